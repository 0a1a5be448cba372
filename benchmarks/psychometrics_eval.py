"""Fit the adaptive test's rules on the training split, then compare it with the ECR and ECR-S.

    .venv/bin/python benchmarks/psychometrics_eval.py --fit [--people N]      # training only
    .venv/bin/python benchmarks/psychometrics_eval.py --held-out              # once, at the end

Protocol (docs/research/psychometrics.md, "Evaluation protocol"): the item bank is refitted on a
fixed random 80% of the calibration file (seed 20180301). Everything the adaptive test learns is
chosen on complete respondents of that training part only, by 5-fold cross-validation:

- ``--fit`` prints the greedy first items, traces the adaptive selection to 24 answers for
  the complete training respondents (or ``--people`` of them), fits the optimal-stopping rule
  for each pair of loss weights (lambda, mu) on 4 folds and scores it on the fifth (fold
  figures printed), picks the weights, refits the rule on all of them, fits the probability
  temperature the same way, and writes the rules to
  ``securebase/psychometrics/adaptive_rules.json``.
- ``--held-out`` runs the untouched 20% (complete patterns) once with the shipped rules and
  prints the side-by-side table (full form, ECR-S, quick test): mean and per-dimension items,
  the fewest answers on a dimension, style agreement, r per dimension, and the expected
  calibration error of the shown style probability; draws the reliability diagram
  (docs/research/figures/reliability.svg); simulates classification consistency and accuracy
  under the fitted model; and writes these figures into the rules file.

The reference for every row is the full-form EAP with the refitted bank; its style is the
quadrant of the EAP thetas against the cuts. The adaptive test is simulated by answering each
question with the person's real answer.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import expit, logit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from securebase.psychometrics import classification
from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.adaptive_rules import (
    CONFIDENCE_EDGES,
    RULES_PATH,
    SCHEMA,
    shown_high_probability,
    stopping_features,
)
from securebase.psychometrics.bank import BANK_PATH, ItemBank
from securebase.psychometrics.calibrate import calibrate_document
from securebase.psychometrics.data import default_data_path, load_ecr_csv
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import scorer_for
from securebase.psychometrics.styles import STYLES, style_probabilities

SEED = 20180301
TRAIN_SHARE = 0.8
ECR_S = (11, 13, 17, 27, 33, 35, 6, 16, 18, 22, 26, 32)
GRID_PEOPLE = 3000
FOLDS = 5
TRACE_ITEMS = 24
#: Trade-off weights tried: a disagreement with the full form costs this many questions.
LAMBDAS = (50.0, 55.0, 60.0, 65.0, 70.0)
#: Weights tried for the squared error of each dimension's score against the full form's
#: (anxiety, avoidance): they buy the correlation with the full form that the ECR-S reaches.
MU = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (20.0, 0.0), (20.0, 10.0))
TARGET_AGREEMENT = 0.95
RELIABILITY_BINS = np.array([0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])
FIGURE_PATH = (
    Path(__file__).resolve().parents[1] / "docs" / "research" / "figures" / "reliability.svg"
)
CLASSIFICATION_SIMULEES = 2000
#: Reliability-diagram bins with fewer people are not drawn (their share is mostly noise); the
#: ECE still counts them.
MIN_BIN = 30

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Trace = dict[str, FloatArray]


def split(n: int) -> tuple[IntArray, IntArray]:
    """Fixed random train/test split of row indices."""
    order = np.random.default_rng(SEED).permutation(n)
    cut = round(TRAIN_SHARE * n)
    return np.sort(order[:cut]), np.sort(order[cut:])


def reference(bank: ItemBank, responses: IntArray) -> tuple[FloatArray, list[str]]:
    """Full-form EAPs (n, 2) and their quadrant styles."""
    scorer = scorer_for(bank)
    eap, _, _ = scorer.batch(responses)
    return eap, scorer.styles_from_thetas(eap)


def summarize(
    name: str,
    lengths: Sequence[int],
    eap: FloatArray,
    styles: Sequence[str],
    full_eap: FloatArray,
    full_styles: Sequence[str],
    counts: FloatArray | None = None,
) -> dict[str, Any]:
    """Mean length, length distribution, style agreement, theta correlations, items per dim."""
    lengths_arr = np.asarray(lengths)
    row = {
        "form": name,
        "mean_items": float(lengths_arr.mean()),
        "length_quantiles": [int(q) for q in np.percentile(lengths_arr, [0, 10, 50, 90, 100])],
        "agreement": float(np.mean([a == b for a, b in zip(styles, full_styles, strict=True)])),
        "r_anxiety": float(np.corrcoef(eap[:, 0], full_eap[:, 0])[0, 1]),
        "r_avoidance": float(np.corrcoef(eap[:, 1], full_eap[:, 1])[0, 1]),
    }
    if counts is not None:
        row["mean_per_dimension"] = [float(c) for c in counts.mean(axis=0)]
        row["min_per_dimension"] = int(counts.min())
    return row


def fixed_form(
    bank: ItemBank, responses: IntArray, items: Sequence[int]
) -> tuple[FloatArray, FloatArray, list[str]]:
    """EAPs, P(theta > cut) and most probable styles when only ``items`` are answered."""
    scorer = scorer_for(bank)
    masked = np.zeros_like(responses)
    columns = [number - 1 for number in items]
    masked[:, columns] = responses[:, columns]
    eap, _, p_high = scorer.batch(masked)
    return eap, p_high, scorer.styles(p_high)


def format_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Markdown table of :func:`summarize` rows."""
    lines = [
        "| form | mean items | anxiety / avoidance items | fewest on a dimension "
        "| items (min/p10/median/p90/max) | style agreement | r anxiety | r avoidance |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        quantiles = "/".join(str(q) for q in row["length_quantiles"])
        per = row.get("mean_per_dimension")
        per_text = f"{per[0]:.2f} / {per[1]:.2f}" if per else ""
        lines.append(
            f"| {row['form']} | {row['mean_items']:.2f} | {per_text} "
            f"| {row.get('min_per_dimension', '')} | {quantiles} "
            f"| {100 * row['agreement']:.1f}% | {row['r_anxiety']:.3f} | {row['r_avoidance']:.3f} |"
        )
    return "\n".join(lines)


# -- first items ---------------------------------------------------------------------------------


def greedy_first_items(
    bank: ItemBank, responses: IntArray, per_dimension: Sequence[int]
) -> list[int]:
    """Forward selection, per dimension, of the items whose EAP best predicts the full EAP (r).

    Returned alternating between the dimensions (anxiety first), the longer list's rest last.
    """
    full, _ = reference(bank, responses)
    chosen: list[list[int]] = []
    for d, dimension in enumerate(DIMENSIONS):
        pool = [item.number for item in bank.dimension_items(dimension)]
        picked: list[int] = []
        for _ in range(per_dimension[d]):
            scores = {}
            for number in pool:
                if number not in picked:
                    eap, _, _ = fixed_form(bank, responses, [*picked, number])
                    scores[number] = float(np.corrcoef(eap[:, d], full[:, d])[0, 1])
            picked.append(max(scores, key=lambda number: scores[number]))
            print(f"  {dimension}: {picked} r = {scores[picked[-1]]:.3f}")
        chosen.append(picked)
    shorter = min(len(c) for c in chosen)
    order = [n for k in range(shorter) for n in (chosen[0][k], chosen[1][k])]
    return order + [n for c in chosen for n in c[shorter:]]


# -- traces: the adaptive selection with the state after every answer ---------------------------

_worker: dict[str, Any] = {}


def _init_worker(document: dict[str, Any], responses: IntArray) -> None:
    _worker["bank"] = ItemBank.from_document(document)
    _worker["responses"] = responses


def _trace_chunk(bounds: tuple[int, int]) -> Trace:
    """Selection to TRACE_ITEMS answers (stopping ignored) for rows lo..hi of the people."""
    bank: ItemBank = _worker["bank"]
    people = _worker["responses"][bounds[0] : bounds[1]]
    scorer = scorer_for(bank)
    shape = (len(people), TRACE_ITEMS, 2)
    out = {key: np.zeros(shape) for key in ("eap", "spread", "p_fore", "p_post", "counts")}
    for row, person in enumerate(people):
        test = AdaptiveTest(bank=bank, max_items=scorer.n_items)
        for step in range(TRACE_ITEMS):
            item = test._best()
            test.answer(item, int(person[item - 1]))
            post, eap, spread, p_fore = test._state()
            out["eap"][row, step], out["spread"][row, step] = eap, spread
            out["p_fore"][row, step] = p_fore
            out["p_post"][row, step] = scorer.summaries(post)[2]
            out["counts"][row, step] = test._counts()
    return out


def trace(document: dict[str, Any], people: IntArray, workers: int) -> Trace:
    """Trace every person (in parallel); adds the full-form EAP and the per-dimension agreement."""
    chunks = [(a, min(a + 250, len(people))) for a in range(0, len(people), 250)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(document, people)) as ex:
        parts = list(ex.map(_trace_chunk, chunks))
    result = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    bank = ItemBank.from_document(document)
    result["full"], _ = reference(bank, people)
    cuts = np.array([bank.cuts[d] for d in DIMENSIONS])
    result["agree"] = ((result["p_post"] > 0.5) == (result["full"] > cuts)[:, None, :]).astype(
        np.float64
    )
    return result


def subset(data: Trace, rows: IntArray) -> Trace:
    """The traced people ``rows``."""
    return {key: value[rows] for key, value in data.items()}


# -- optimal stopping (Longstaff-Schwartz) -------------------------------------------------------


def fit_stopping(data: Trace, lam: float, mu: Sequence[float], first: int) -> dict[int, FloatArray]:
    """Regression coefficients per number of answers ``n`` (first .. TRACE_ITEMS - 1).

    Backward induction on the traced paths: the loss of stopping after ``n`` answers is
    ``n + lam * [style differs from the full form's] + sum_d mu_d * (EAP_d - full EAP_d)^2``;
    at each ``n`` the realised difference between stopping now and following the rule from
    ``n + 1`` on is regressed on the features (:func:`stopping_features`), and the rule stops
    where the fitted difference is <= 0.
    """
    disagree = 1.0 - data["agree"].min(axis=2)
    squared = (data["eap"] - data["full"][:, None, :]) ** 2
    loss = lam * disagree + squared @ np.asarray(mu, dtype=np.float64)
    future = TRACE_ITEMS + loss[:, -1]
    coefficients: dict[int, FloatArray] = {}
    for n in range(TRACE_ITEMS - 1, first - 1, -1):
        t = n - 1
        x = stopping_features(data["p_fore"][:, t], data["spread"][:, t], data["counts"][:, t])
        now = n + loss[:, t]
        beta = np.linalg.solve(x.T @ x + 1e-3 * np.eye(x.shape[1]), x.T @ (now - future))
        coefficients[n] = beta
        future = np.where(x @ beta <= 0, now, future)
    return coefficients


def stop_steps(data: Trace, coefficients: Mapping[int, FloatArray]) -> IntArray:
    """Number of answers at which the rule stops each traced person (TRACE_ITEMS at most)."""
    stop = np.full(len(data["full"]), TRACE_ITEMS)
    for n in sorted(coefficients, reverse=True):
        t = n - 1
        x = stopping_features(data["p_fore"][:, t], data["spread"][:, t], data["counts"][:, t])
        stop = np.where(x @ coefficients[n] <= 0, n, stop)
    return stop


def offline_metrics(data: Trace, stop: IntArray) -> dict[str, float]:
    """Mean length, agreement and r when each person stops after ``stop`` answers."""
    rows = np.arange(len(stop))
    eap = data["eap"][rows, stop - 1]
    return {
        "items": float(stop.mean()),
        "agreement": float(data["agree"][rows, stop - 1].min(axis=1).mean()),
        "r_anxiety": float(np.corrcoef(eap[:, 0], data["full"][:, 0])[0, 1]),
        "r_avoidance": float(np.corrcoef(eap[:, 1], data["full"][:, 1])[0, 1]),
    }


def cross_validate_stopping(
    data: Trace, first: int, ecrs_r: Sequence[float]
) -> tuple[tuple[float, tuple[float, float]], IntArray]:
    """Fold figures for every (lambda, mu); returns the chosen weights and their out-of-fold stops.

    The rule, declared before the run: among the weights whose pooled out-of-fold agreement is at
    least 95% and whose r is at least the ECR-S's on both dimensions (same people), the one with
    the fewest questions on average.
    """
    folds = np.arange(len(data["full"])) % FOLDS
    chosen: tuple[float, tuple[tuple[float, tuple[float, float]], IntArray]] | None = None
    print(f"\noptimal stopping, {FOLDS}-fold CV on {len(folds):,} training respondents")
    print(f"(ECR-S on the same people: r = {ecrs_r[0]:.3f} / {ecrs_r[1]:.3f})")
    for lam in LAMBDAS:
        for mu in MU:
            stop = np.zeros(len(folds), dtype=np.int64)
            fold_rows = []
            for fold in range(FOLDS):
                train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
                coefficients = fit_stopping(subset(data, train), lam, mu, first)
                stop[test] = stop_steps(subset(data, test), coefficients)
                fold_rows.append(offline_metrics(subset(data, test), stop[test]))
            pooled = offline_metrics(data, stop)
            folds_text = "; ".join(
                f"{m['items']:.2f} {100 * m['agreement']:.1f}% {m['r_anxiety']:.3f}/"
                f"{m['r_avoidance']:.3f}"
                for m in fold_rows
            )
            meets = (
                pooled["agreement"] >= TARGET_AGREEMENT
                and pooled["r_anxiety"] >= ecrs_r[0]
                and pooled["r_avoidance"] >= ecrs_r[1]
            )
            print(
                f"lambda {lam:g}, mu {mu[0]:g}/{mu[1]:g}: pooled {pooled['items']:.2f} items, "
                f"{100 * pooled['agreement']:.2f}%, r {pooled['r_anxiety']:.3f} / "
                f"{pooled['r_avoidance']:.3f}{' (meets)' if meets else ''} | folds: {folds_text}",
                flush=True,
            )
            if meets and (chosen is None or pooled["items"] < chosen[0]):
                chosen = (pooled["items"], ((lam, mu), stop))
    if chosen is None:
        raise SystemExit("no setting meets the rule; widen LAMBDAS / MU")
    (lam, mu), stop = chosen[1]
    print(f"chosen: lambda {lam:g}, mu {mu[0]:g}/{mu[1]:g} (fewest items meeting the rule)")
    return chosen[1]


def remaining_table(data: Trace, stop: IntArray) -> dict[str, list[list[float]]]:
    """(mean, p10, p90) of questions still to come, by answers so far and confidence band."""
    confidence = np.prod(np.maximum(data["p_fore"], 1 - data["p_fore"]), axis=2)
    table: dict[str, list[list[float]]] = {}
    for n in range(TRACE_ITEMS):
        running = stop > n
        band = np.clip(
            np.searchsorted(CONFIDENCE_EDGES, confidence[:, max(n - 1, 0)], side="right") - 1,
            0,
            len(CONFIDENCE_EDGES) - 2,
        )
        if n == 0:  # before the first answer nobody differs: one row for every band
            band[:] = 0
        rows = []
        for b in range(len(CONFIDENCE_EDGES) - 1):
            left = (stop - n)[running & (band == b)]
            if len(left) < 20:  # too few sessions (or n = 0): everybody still running at n
                left = (stop - n)[running]
            if len(left) == 0:
                left = np.array([1])
            p10, p90 = np.percentile(left, [10, 90])
            rows.append([round(float(left.mean()), 2), float(p10), float(p90)])
        table[str(n)] = rows
    return table


# -- calibrated certainty ------------------------------------------------------------------------


def top_style(p_high: FloatArray) -> tuple[FloatArray, IntArray]:
    """Posterior probability of the most probable style and its index in STYLES."""
    probabilities = np.array(
        [[style_probabilities(a, b)[s] for s in STYLES] for a, b in p_high], dtype=np.float64
    )
    return probabilities.max(axis=1), probabilities.argmax(axis=1)


def reported_probability(
    p_high: FloatArray, side: NDArray[np.bool_], temperature: FloatArray
) -> FloatArray:
    """Shown probability of the reported style: the product of the per-dimension shown sides."""
    shown = shown_high_probability(p_high, side, temperature)
    result: FloatArray = np.prod(np.where(side, shown, 1.0 - shown), axis=-1)
    return result


def fit_temperature(p_high: FloatArray, high: NDArray[np.bool_]) -> float:
    """Temperature maximising the Bernoulli likelihood of the full form's side of one cut."""
    z = logit(np.clip(p_high, 1e-12, 1 - 1e-12))

    def negative_log_likelihood(log_t: float) -> float:
        p = np.clip(expit(z / np.exp(log_t)), 1e-12, 1 - 1e-12)
        return float(-np.sum(np.where(high, np.log(p), np.log(1 - p))))

    return float(np.exp(minimize_scalar(negative_log_likelihood, bounds=(-3, 3)).x))


def reliability(shown: FloatArray, correct: NDArray[np.bool_]) -> dict[str, Any]:
    """Per-bin mean shown probability, observed share correct and counts, and the ECE."""
    bins = np.clip(np.searchsorted(RELIABILITY_BINS, shown, side="left"), 1, len(RELIABILITY_BINS))
    rows, ece = [], 0.0
    for b in range(1, len(RELIABILITY_BINS)):
        inside = bins == b
        if inside.any():
            conf, acc = float(shown[inside].mean()), float(correct[inside].mean())
            rows.append({"shown": conf, "observed": acc, "n": int(inside.sum())})
            ece += inside.mean() * abs(conf - acc)
    return {"bins": rows, "ece": float(ece)}


def draw_reliability(curves: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    """Self-drawn SVG reliability diagram: shown probability (x) vs observed agreement (y)."""
    size, left, top = 360, 56, 16
    colours = ("#2f5fa7", "#b34d0b", "#00606f", "#7b3f98", "#1e7a56")

    def x(v: float) -> float:
        return left + (v - 0.25) / 0.75 * size

    def y(v: float) -> float:
        return top + (1 - (v - 0.25) / 0.75) * size

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + size + 250} '
        f'{top + size + 50}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-labelledby="t"><title id="t">Reliability diagram: shown probability of the top '
        f"style against how often it was right</title>",
        f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#999"/>',
        f'<line x1="{x(0.25)}" y1="{y(0.25)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" '
        f'stroke-dasharray="4 3"/>',
    ]
    for tick in (0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<text x="{x(tick)}" y="{top + size + 16}" text-anchor="middle">{tick:.2f}</text>'
        )
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end">{tick:.2f}</text>')
    parts.append(
        f'<text x="{left + size / 2}" y="{top + size + 36}" text-anchor="middle">'
        f"shown probability of the style given (bins of at least {MIN_BIN} people)</text>"
    )
    parts.append(
        f'<text transform="translate(14 {top + size / 2}) rotate(-90)" text-anchor="middle">'
        f"share for which it was right</text>"
    )
    for k, (label, curve) in enumerate(curves.items()):
        colour = colours[k % len(colours)]
        drawn = [b for b in curve["bins"] if b["n"] >= MIN_BIN]
        points = " ".join(f"{x(b['shown']):.1f},{y(b['observed']):.1f}" for b in drawn)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        for b in drawn:
            parts.append(
                f'<circle cx="{x(b["shown"]):.1f}" cy="{y(b["observed"]):.1f}" r="3" '
                f'fill="{colour}"/>'
            )
        legend_y = top + 14 + 34 * k
        parts.append(
            f'<line x1="{left + size + 14}" y1="{legend_y}" x2="{left + size + 34}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{left + size + 40}" y="{legend_y + 4}">{label}</text>')
        parts.append(
            f'<text x="{left + size + 40}" y="{legend_y + 18}" fill="#555">'
            f"ECE {curve['ece']:.3f}</text>"
        )
    parts.append("</svg>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")


# -- running the adaptive test -------------------------------------------------------------------


def simulate_cat(bank: ItemBank, responses: IntArray) -> dict[str, Any]:
    """The shipped adaptive test on every row; EAPs, raw P(high), styles, counts, lengths."""
    scorer = scorer_for(bank)
    n = len(responses)
    out: dict[str, Any] = {
        "eap": np.empty((n, 2)),
        "p_high": np.empty((n, 2)),
        "p_forecast": np.empty((n, 2)),
        "counts": np.empty((n, 2)),
        "styles": [],
        "lengths": [],
        "shown_top": np.empty(n),
        "remaining_errors": [],
    }
    for row, person in enumerate(responses):
        test = AdaptiveTest(bank=bank)
        guesses = []
        while (item := test.next_item()) is not None:
            guesses.append((len(test.answers), test.expected_remaining()))
            test.answer(item, int(person[item - 1]))
        length = len(test.answers)
        out["remaining_errors"] += [abs(g - (length - k)) for k, g in guesses]
        result = test.result()
        eap, _, p_high = scorer.summaries(scorer.posteriors(test.answers))
        out["eap"][row], out["p_high"][row], out["counts"][row] = eap, p_high, test._counts()
        out["p_forecast"][row] = test._state()[3]
        out["styles"].append(result.style)
        out["lengths"].append(length)
        # The calibrated forecast of the full form's style, shown as the second figure
        # (the style probabilities themselves are about the true position since chapter 14).
        out["shown_top"][row] = result.full_form_agreement
    return out


def _cat_chunk(bounds: tuple[int, int]) -> dict[str, Any]:
    return simulate_cat(_worker["bank"], _worker["responses"][bounds[0] : bounds[1]])


def simulate_cat_parallel(
    document: dict[str, Any], responses: IntArray, workers: int
) -> dict[str, Any]:
    """:func:`simulate_cat` in parallel chunks."""
    chunks = [(a, min(a + 250, len(responses))) for a in range(0, len(responses), 250)]
    with ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(document, responses)
    ) as ex:
        parts = list(ex.map(_cat_chunk, chunks))
    return {
        key: (
            np.concatenate([p[key] for p in parts])
            if isinstance(parts[0][key], np.ndarray)
            else [v for p in parts for v in p[key]]
        )
        for key in parts[0]
    }


def adaptive_form(bank: ItemBank) -> Callable[[IntArray], list[str]]:
    """The adaptive test as a classification "form": answers (n, 36) -> styles."""

    def run(responses: IntArray) -> list[str]:
        styles = []
        for person in responses:
            test = AdaptiveTest(bank=bank)
            while (item := test.next_item()) is not None:
                test.answer(item, int(person[item - 1]))
            styles.append(test.result().style)
        return styles

    return run


# -- the two commands ----------------------------------------------------------------------------


def load(args: argparse.Namespace) -> tuple[dict[str, Any], IntArray, IntArray]:
    """Refitted bank document, complete training respondents, complete held-out respondents."""
    data = load_ecr_csv(args.data)
    train, test = split(data.n)
    if args.fitted is not None and args.fitted.exists():
        document = json.loads(args.fitted.read_text(encoding="utf-8"))
    else:
        base = json.loads(BANK_PATH.read_text(encoding="utf-8"))
        document = calibrate_document(base, data, rows=train)
        if args.fitted is not None:
            args.fitted.write_text(json.dumps(document), encoding="utf-8")
    responses = data.responses.astype(np.int64)
    complete: NDArray[np.bool_] = np.all(responses > 0, axis=1)
    print(f"fitted on {len(train):,} respondents (80%); {len(test):,} held out")
    return document, responses[train[complete[train]]], responses[test[complete[test]]]


def read_rules() -> dict[str, Any]:
    """The current rules document (or a fresh one)."""
    if RULES_PATH.exists():
        document: dict[str, Any] = json.loads(RULES_PATH.read_text(encoding="utf-8"))
        return document
    return {"schema": SCHEMA}


def write_rules(document: Mapping[str, Any]) -> None:
    """Write the rules file with a fixed layout."""
    RULES_PATH.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RULES_PATH}")


def command_fit(args: argparse.Namespace) -> None:
    """Training split only: first items, stopping rule, remaining table, temperature."""
    document, training, _ = load(args)
    bank = ItemBank.from_document(document)
    order = np.random.default_rng(SEED + 1).permutation(len(training))
    people = training[order[: args.people or None]]
    print("\ngreedy first items (r with the full EAP, 8,000 training respondents):")
    print(greedy_first_items(bank, training[order[:8000]], (6, 6)))
    ecrs_eap, _, _ = fixed_form(bank, training[order[:8000]], ECR_S)
    full_eap, _ = reference(bank, training[order[:8000]])
    print(
        "  ECR-S (6 + 6 items) on the same people: r = "
        + " / ".join(f"{np.corrcoef(ecrs_eap[:, d], full_eap[:, d])[0, 1]:.3f}" for d in (0, 1))
    )
    settings = AdaptiveTest(bank=bank).get_params()
    first = len(settings["first_items"])
    start = time.perf_counter()
    data = trace(document, people, args.workers)
    print(f"traced {len(people):,} people in {time.perf_counter() - start:.0f} s")
    ecrs_eap, _, _ = fixed_form(bank, people, ECR_S)
    ecrs_r = [float(np.corrcoef(ecrs_eap[:, d], data["full"][:, d])[0, 1]) for d in range(2)]
    (lam, mu), stop = cross_validate_stopping(data, first, ecrs_r)
    coefficients = fit_stopping(data, lam, mu, first)
    rows = np.arange(len(stop))
    p_forecast, full = data["p_fore"][rows, stop - 1], data["full"]
    side = data["p_post"][rows, stop - 1] > 0.5
    cuts = np.array([bank.cuts[d] for d in DIMENSIONS])
    folds = rows % FOLDS
    temperatures = np.zeros((FOLDS, 2))
    shown_cv = np.zeros(len(rows))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        temperatures[fold] = [
            fit_temperature(p_forecast[train, d], full[train, d] > cuts[d]) for d in range(2)
        ]
        shown_cv[test] = reported_probability(p_forecast[test], side[test], temperatures[fold])
    agree = data["agree"][rows, stop - 1].min(axis=1) > 0
    posterior = reported_probability(data["p_post"][rows, stop - 1], side, np.ones(2))
    forecast = reported_probability(p_forecast, side, np.ones(2))
    print(f"\ntemperature per fold (anxiety, avoidance): {np.round(temperatures, 3).tolist()}")
    print(
        "out-of-fold ECE of the reported style's probability vs the full form: posterior "
        f"{reliability(posterior, agree)['ece']:.4f}, forecast "
        f"{reliability(forecast, agree)['ece']:.4f}, "
        f"tempered forecast {reliability(shown_cv, agree)['ece']:.4f}"
    )
    temperature = [fit_temperature(p_forecast[:, d], full[:, d] > cuts[d]) for d in range(2)]
    rules = read_rules()
    rules.update(
        {
            "schema": SCHEMA,
            "command": "python benchmarks/psychometrics_eval.py --fit"
            + (f" --people {args.people}" if args.people else ""),
            "settings": {k: v for k, v in settings.items() if k != "misfit_variance"}
            | {"misfit_variance": settings["misfit_variance"]},
            "stopping": {
                "method": "Longstaff-Schwartz regression on traced sessions of training "
                "respondents; loss = answers + lambda * [style differs from the full form] "
                "+ sum over the dimensions of mu * (score - full-form score)^2",
                "lambda": lam,
                "mu": dict(zip(DIMENSIONS, mu, strict=True)),
                "people": len(people),
                "coefficients": {
                    str(n): [round(float(v), 6) for v in beta]
                    for n, beta in sorted(coefficients.items())
                },
            },
            "remaining": {"table": remaining_table(data, stop)},
            "temperature": {
                "method": "per dimension, the forecast P(full-form EAP > cut) at the stopping "
                "point tempered by maximum likelihood of the full form's side (training)",
                "values": {d: round(t, 4) for d, t in zip(DIMENSIONS, temperature, strict=True)},
            },
        }
    )
    write_rules(rules)


def command_held_out(args: argparse.Namespace) -> None:
    """Held-out split, once: the table, the calibration, the classification figures."""
    document, _, held_out = load(args)
    bank = ItemBank.from_document(document)
    scorer = scorer_for(bank)
    full_eap, full_styles = reference(bank, held_out)
    n = len(held_out)
    print(f"testing on {n:,} complete held-out respondents")
    rows = [
        summarize(
            "full ECR (36 items)",
            [36] * n,
            full_eap,
            full_styles,
            full_eap,
            full_styles,
            np.full((n, 2), 18.0),
        )
    ]
    ecrs_eap, ecrs_p, ecrs_styles = fixed_form(bank, held_out, ECR_S)
    rows.append(
        summarize(
            "ECR-S (12 items, EAP)",
            [12] * n,
            ecrs_eap,
            ecrs_styles,
            full_eap,
            full_styles,
            np.full((n, 2), 6.0),
        )
    )
    start = time.perf_counter()
    cat = simulate_cat_parallel(document, held_out, args.workers)
    elapsed = time.perf_counter() - start
    rows.append(
        summarize(
            "quick test (adaptive)",
            cat["lengths"],
            cat["eap"],
            cat["styles"],
            full_eap,
            full_styles,
            cat["counts"],
        )
    )
    print(f"({elapsed:.0f} s for {n:,} simulated sessions)")
    print(format_table(rows))
    lengths = np.asarray(cat["lengths"])
    histogram = np.bincount(lengths, minlength=25)
    print("\nquick test length (items: people): ")
    print(", ".join(f"{k}: {c}" for k, c in enumerate(histogram) if c))
    remaining_error = float(np.mean(cat["remaining_errors"]))
    print(f"expected_remaining(): mean absolute error {remaining_error:.2f} questions")

    # calibrated certainty: the quick test against the full form
    agree = np.array([a == b for a, b in zip(cat["styles"], full_styles, strict=True)])
    side = cat["p_high"] > 0.5
    quick_posterior = reliability(reported_probability(cat["p_high"], side, np.ones(2)), agree)
    quick_forecast = reliability(reported_probability(cat["p_forecast"], side, np.ones(2)), agree)
    quick_shown = reliability(cat["shown_top"], agree)
    # the full form against a simulated parallel form (thetas drawn from each posterior)
    rng = np.random.default_rng(SEED)
    post = np.stack([scorer.posteriors(dict(enumerate(p, start=1))) for p in held_out])
    cdf = np.cumsum(post, axis=2)
    draws = np.array(
        [
            [np.interp(rng.random(), cdf[i, d], np.linspace(-6, 6, post.shape[2])) for d in (0, 1)]
            for i in range(n)
        ]
    )
    parallel = classification.simulate_answers(draws, bank, rng)
    _, parallel_p = scorer.batch(parallel)[::2]
    full_p = scorer.batch(held_out)[2]
    full_top, full_index = top_style(full_p)
    parallel_styles = np.array(scorer.styles(parallel_p))
    full_parallel = reliability(full_top, np.array(STYLES)[full_index] == parallel_styles)
    ecrs_top, _ = top_style(ecrs_p)
    ecrs_curve = reliability(ecrs_top, np.array(ecrs_styles) == np.array(full_styles))
    curves = {
        "quick test, posterior": quick_posterior,
        "quick test, forecast": quick_forecast,
        "quick test, as shown": quick_shown,
        "ECR-S posterior vs full form": ecrs_curve,
        "full form vs parallel form": full_parallel,
    }
    print("\nexpected calibration error of the top style's probability:")
    for label, curve in curves.items():
        print(f"  {label}: ECE {curve['ece']:.4f}")
    draw_reliability(curves, FIGURE_PATH)
    print(f"drew {FIGURE_PATH}")

    # classification consistency and accuracy under the fitted model
    print(f"\nclassification under the fitted model ({CLASSIFICATION_SIMULEES:,} simulees):")
    edges = (0.0, 0.25, 0.5, 1.0, np.inf)
    figures: dict[str, Any] = {}
    for label, form in (("full_form", None), ("quick_test", adaptive_form(bank))):
        sim = classification.simulate(form, bank=bank, n=CLASSIFICATION_SIMULEES, seed=SEED)
        by = sim.by_distance(edges)
        figures[label] = {
            "consistency": round(sim.consistency, 4),
            "accuracy": round(sim.accuracy, 4),
            "by_distance": [
                {k: (None if v == np.inf else round(float(v), 4)) for k, v in row.items()}
                for row in by
            ],
        }
        print(f"  {label}: consistency {sim.consistency:.3f}, accuracy {sim.accuracy:.3f}")
        for row in by:
            print(
                f"    distance {row['low']}-{row['high']}: n {row['n']}, consistency "
                f"{row['consistency']:.3f}, accuracy {row['accuracy']:.3f}"
            )
    rules = read_rules()
    p10, p50, p90 = np.percentile(lengths, [10, 50, 90])
    rules["figures"] = {
        "command": "python benchmarks/psychometrics_eval.py --held-out",
        "held_out_people": n,
        "length": {
            "mean": round(float(lengths.mean()), 2),
            "p10": int(p10),
            "median": int(p50),
            "p90": int(p90),
            "min": int(lengths.min()),
            "max": int(lengths.max()),
        },
        "table": rows,
        "calibration_error": {label: round(c["ece"], 4) for label, c in curves.items()},
        "calibration_bins": {
            label: [
                {"shown": round(b["shown"], 3), "observed": round(b["observed"], 3), "n": b["n"]}
                for b in c["bins"]
            ]
            for label, c in curves.items()
        },
        "classification": figures | {"n_simulees": CLASSIFICATION_SIMULEES, "seed": SEED},
    }
    write_rules(rules)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=default_data_path())
    parser.add_argument("--fit", action="store_true", help="fit the rules on the training split")
    parser.add_argument("--held-out", action="store_true", help="the final held-out run")
    parser.add_argument(
        "--people", type=int, default=0, help="--fit: training people (default: all complete)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fitted", type=Path, help="cache file for the 80%% refit (JSON)")
    args = parser.parse_args(argv)
    if args.data is None:
        parser.error("calibration data not found; pass --data")
    if not (args.fit or args.held_out):
        parser.error("pass --fit (training) or --held-out (final run)")
    if args.fit:
        command_fit(args)
    if args.held_out:
        command_held_out(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
