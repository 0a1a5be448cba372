"""The calibration study behind ``certainty.json``: fit the widening, measure what it gives.

    python -m securebase.psychometrics.certainty_study            # simulation: fit and figures
    python -m securebase.psychometrics.certainty_study --held-out # real held-out check, once

People are drawn from the generating model (:mod:`securebase.psychometrics.generating_model`,
fitted on the training split), answer all 36 statements, and are scored with the shipped bank
in both ways the site scores: all 36 answers (:class:`~securebase.psychometrics.scoring.Scorer`)
and the quick test replayed with their answers (:class:`~securebase.psychometrics.AdaptiveTest`,
its selection and stopping rules unchanged). Their true position is their general factor.

1. **Fit** (``FIT_PEOPLE`` simulated people, seed ``FIT_SEED``): per form and dimension, the
   factor ``k >= 1`` that minimises the log loss of ``P(high) = Phi((EAP - cut) / (k SD))``
   against the true side of the cut; ``FOLDS``-fold cross-validation reports the out-of-fold
   log loss with and without the widening and the factor's spread over folds; the shipped
   factor is fitted on all of them.
2. **Evaluate** (``EVALUATION_PEOPLE`` other simulated people, seed ``EVALUATION_SEED``, two
   independent sittings each): before (what the site showed: the grid posterior after 36
   answers, the forecast about the full form after the quick test) and after the widening,
   the reliability of the shown top-style probability (diagram bins and expected calibration
   error), the coverage of the chart's region and of the percentile ranges, the mean top-style
   probability per form, and how often two sittings give the same style (retest agreement).
3. **Held out** (``--held-out``, once): the real held-out respondents (complete answers) are
   scored both ways: mean top-style probability after each form, and how often the quick test
   gives the full form's style next to the ``full_form_agreement`` it showed. A check only;
   nothing is tuned on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import ndtr, ndtri

from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.certainty import CERTAINTY_PATH, FORMS, SCHEMA
from securebase.psychometrics.data import default_data_path, load_ecr_csv
from securebase.psychometrics.generating_model import (
    GeneratingModel,
    generating_model,
    training_rows,
)
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.regions import side_multiplier
from securebase.psychometrics.scoring import scorer_for
from securebase.psychometrics.styles import STYLES

IntArray = NDArray[np.int64]
COMMAND = "python -m securebase.psychometrics.certainty_study"
FIT_PEOPLE = 6000
EVALUATION_PEOPLE = 6000
FIT_SEED = 150001
EVALUATION_SEED = 150002
FOLDS = 5
#: Bin edges of the reliability diagrams (the top style's probability is at least 1/4).
RELIABILITY_EDGES = (0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
#: Level of the percentile ranges and of the chart's region.
LEVEL = 0.95


@dataclass(frozen=True)
class Scored:
    """One sitting of people scored one way: EAP and model posterior SD (n, 2), the SD-free
    probabilities the site showed before the widening (n, 4 styles), and for the quick test
    the shown ``full_form_agreement`` (n,) and the number of answers (n,)."""

    eap: FloatArray
    sd: FloatArray
    before: FloatArray
    agreement: FloatArray | None = None
    answered: IntArray | None = None


def score_full(bank: ItemBank, responses: IntArray) -> Scored:
    """All 36 answers: EAP, posterior SD and the grid-posterior style probabilities."""
    scorer = scorer_for(bank)
    eap, sd, p_high = scorer.batch(responses)
    return Scored(eap=eap, sd=sd, before=_quadrants(p_high))


def score_quick(bank: ItemBank, responses: IntArray) -> Scored:
    """Replay the quick test with these answers; its EAP, posterior SD and shown figures.

    "Before" is what the quick test used to show as style probabilities: the calibrated
    forecast of the full form's style, i.e. ``full_form_agreement`` for the reported style.
    """
    scorer = scorer_for(bank)
    n = len(responses)
    eap, sd = np.zeros((n, 2)), np.zeros((n, 2))
    before, agreement = np.zeros((n, len(STYLES))), np.zeros(n)
    answered = np.zeros(n, dtype=np.int64)
    for row, answers in enumerate(responses):
        test = AdaptiveTest(bank=bank)
        while (item := test.next_item()) is not None:
            test.answer(item, int(answers[item - 1]))
        given = test.answers
        eap[row], sd[row], _ = scorer.summaries(scorer.posteriors(given))
        result = test.result()
        agreement[row] = result.full_form_agreement or 0.0
        before[row, STYLES.index(result.style)] = agreement[row]
        answered[row] = len(given)
    return Scored(eap=eap, sd=sd, before=before, agreement=agreement, answered=answered)


def _quadrants(p_high: FloatArray) -> FloatArray:
    """Style probabilities (n, 4) in :data:`STYLES` order from P(high) (n, 2)."""
    anxiety, avoidance = p_high[:, 0], p_high[:, 1]
    return np.stack(
        [
            (1 - anxiety) * (1 - avoidance),
            anxiety * (1 - avoidance),
            (1 - anxiety) * avoidance,
            anxiety * avoidance,
        ],
        axis=1,
    )


def _quadrant(theta: FloatArray, cuts: FloatArray) -> IntArray:
    """Index into :data:`STYLES` of the quadrant of each row of thetas (n, 2)."""
    high = theta > cuts
    result: IntArray = high[:, 0].astype(np.int64) + 2 * high[:, 1].astype(np.int64)
    return result


def widened(scored: Scored, k: FloatArray, cuts: FloatArray) -> FloatArray:
    """Style probabilities (n, 4) after widening the posterior SD by ``k`` (2,)."""
    return _quadrants(ndtr((scored.eap - cuts) / (scored.sd * k)))


def _log_loss(
    k: float, eap: FloatArray, sd: FloatArray, cut: float, high: NDArray[np.bool_]
) -> float:
    p = np.clip(ndtr((eap - cut) / (sd * k)), 1e-12, 1 - 1e-12)
    return float(-np.mean(np.where(high, np.log(p), np.log(1 - p))))


def fit_factor(eap: FloatArray, sd: FloatArray, cut: float, high: NDArray[np.bool_]) -> float:
    """The ``k`` in [1, 6] minimising the log loss of P(high) on one dimension."""
    result = minimize_scalar(
        _log_loss,
        bounds=(1.0, 6.0),
        method="bounded",
        args=(eap, sd, cut, high),
        options={"xatol": 1e-4},
    )
    return float(result.x)


def cross_validate(
    scored: Scored, truth: FloatArray, cuts: FloatArray, rng: np.random.Generator
) -> dict[str, Any]:
    """Per dimension: k on all people, out-of-fold log loss with k and with 1, k per fold."""
    folds = rng.permutation(len(truth)) % FOLDS
    rows: dict[str, Any] = {}
    for d, dimension in enumerate(DIMENSIONS):
        high = truth[:, d] > cuts[d]
        eap, sd = scored.eap[:, d], scored.sd[:, d]
        per_fold, tempered, plain = [], [], []
        for fold in range(FOLDS):
            train, test = folds != fold, folds == fold
            k = fit_factor(eap[train], sd[train], cuts[d], high[train])
            per_fold.append(round(k, 3))
            tempered.append(_log_loss(k, eap[test], sd[test], cuts[d], high[test]))
            plain.append(_log_loss(1.0, eap[test], sd[test], cuts[d], high[test]))
        rows[dimension] = {
            "k": round(fit_factor(eap, sd, cuts[d], high), 3),
            "k_per_fold": per_fold,
            "cv_log_loss": round(float(np.mean(tempered)), 4),
            "cv_log_loss_unwidened": round(float(np.mean(plain)), 4),
        }
    return rows


def reliability(probabilities: FloatArray, truth: IntArray) -> dict[str, Any]:
    """Reliability of the top style's probability: bins (mean shown, share right, n), ECE."""
    top = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == truth
    edges = np.asarray(RELIABILITY_EDGES)
    index = np.clip(np.searchsorted(edges, top, side="right") - 1, 0, len(edges) - 2)
    bins, error = [], 0.0
    for b in range(len(edges) - 1):
        inside = index == b
        count = int(inside.sum())
        if count == 0:
            continue
        shown, share = float(top[inside].mean()), float(right[inside].mean())
        error += count / len(top) * abs(shown - share)
        bins.append(
            {
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "n": count,
                "shown": round(shown, 4),
                "right": round(share, 4),
            }
        )
    return {
        "bins": bins,
        "ece": round(error, 4),
        "mean_top": round(float(top.mean()), 4),
        "share_right": round(float(right.mean()), 4),
        "share_quite_sure": round(float(np.mean(top >= 0.9)), 4),
    }


def coverage(scored: Scored, k: FloatArray, truth: FloatArray) -> dict[str, float]:
    """Share of true positions inside the percentile range (per dimension) and the region.

    With ``k = 1`` this is the coverage before the widening (the full form's percentile ranges
    were then grid-posterior quantiles, which differ from ``EAP +/- 1.96 SD`` by thousandths).
    """
    sd = scored.sd * k
    inside_range = np.abs(truth - scored.eap) <= float(ndtri(0.5 + LEVEL / 2)) * sd
    inside_region = np.all(np.abs(truth - scored.eap) <= side_multiplier(LEVEL) * sd, axis=1)
    return {
        "anxiety_range": round(float(inside_range[:, 0].mean()), 4),
        "avoidance_range": round(float(inside_range[:, 1].mean()), 4),
        "region": round(float(inside_region.mean()), 4),
    }


def simulate_sitting(
    model: GeneratingModel, bank: ItemBank, people: Any, rng: np.random.Generator
) -> dict[str, Scored]:
    """One sitting of every person, scored both ways."""
    responses = model.answers(people, rng)
    return {"full": score_full(bank, responses), "adaptive": score_quick(bank, responses)}


def run_simulation(
    *, fit_people: int = FIT_PEOPLE, evaluation_people: int = EVALUATION_PEOPLE
) -> dict[str, Any]:
    """Steps 1 and 2 of the module docstring; the new ``certainty.json`` document."""
    bank, model = item_bank(), generating_model()
    scorer = scorer_for(bank)
    cuts = np.array([scorer.cuts[d] for d in DIMENSIONS])
    rng = np.random.default_rng(FIT_SEED)
    people = model.people(fit_people, rng)
    fit_sitting = simulate_sitting(model, bank, people, rng)
    fitted = {form: cross_validate(fit_sitting[form], people.general, cuts, rng) for form in FORMS}
    k = {form: np.array([fitted[form][d]["k"] for d in DIMENSIONS]) for form in FORMS}

    rng = np.random.default_rng(EVALUATION_SEED)
    people = model.people(evaluation_people, rng)
    sittings = [simulate_sitting(model, bank, people, rng) for _ in range(2)]
    passing = simulate_sitting(model, bank, model.with_new_groups(people, rng), rng)
    truth = _quadrant(people.general, cuts)
    figures: dict[str, Any] = {"forms": {}}
    for form in FORMS:
        first, second = sittings[0][form], sittings[1][form]
        after = widened(first, k[form], cuts)
        styles = [_quadrant(s.eap, cuts) for s in (first, second)]
        row: dict[str, Any] = {
            "before": reliability(first.before, truth),
            "after": reliability(after, truth),
            "coverage_before": coverage(first, np.ones(2), people.general),
            "coverage_after": coverage(first, k[form], people.general),
            "retest_agreement": round(float(np.mean(styles[0] == styles[1])), 4),
            "retest_agreement_new_groups": round(
                float(np.mean(styles[0] == _quadrant(passing[form].eap, cuts))), 4
            ),
            "accuracy": round(float(np.mean(styles[0] == truth)), 4),
            "fit": fitted[form],
        }
        if first.answered is not None and first.agreement is not None:
            full_style = _quadrant(sittings[0]["full"].eap, cuts)
            row["mean_answers"] = round(float(first.answered.mean()), 2)
            row["full_form_agreement"] = {
                "mean_shown": round(float(first.agreement.mean()), 4),
                "share_same_as_full": round(float(np.mean(styles[0] == full_style)), 4),
            }
        figures["forms"][form] = row
    figures["simulated_eap_sd"] = [round(float(v), 3) for v in sittings[0]["full"].eap.std(axis=0)]
    return {
        "schema": SCHEMA,
        "command": COMMAND,
        "inflation": {
            form: {d: round(float(k[form][i]), 3) for i, d in enumerate(DIMENSIONS)}
            for form in FORMS
        },
        "retest_agreement": {form: figures["forms"][form]["retest_agreement"] for form in FORMS},
        "figures": {
            "fit_people": fit_people,
            "fit_seed": FIT_SEED,
            "evaluation_people": evaluation_people,
            "evaluation_seed": EVALUATION_SEED,
            "folds": FOLDS,
            "level": LEVEL,
            "generating_model": model.document["method"],
            **figures,
        },
    }


def run_held_out(document: dict[str, Any], data_path: Path) -> dict[str, Any]:
    """Step 3: the real held-out respondents scored both ways with the shipped factors."""
    bank = item_bank()
    scorer = scorer_for(bank)
    cuts = np.array([scorer.cuts[d] for d in DIMENSIONS])
    data = load_ecr_csv(data_path)
    _, held_out = training_rows(data.n)
    responses = data.responses[held_out].astype(np.int64)
    responses = responses[np.all(responses > 0, axis=1)]
    full, quick = score_full(bank, responses), score_quick(bank, responses)
    k = {f: np.array([document["inflation"][f][d] for d in DIMENSIONS]) for f in FORMS}
    after = {
        "full": widened(full, k["full"], cuts),
        "adaptive": widened(quick, k["adaptive"], cuts),
    }
    full_style, quick_style = _quadrant(full.eap, cuts), _quadrant(quick.eap, cuts)
    agreement = quick.agreement if quick.agreement is not None else np.zeros(len(responses))
    return {
        "people": len(responses),
        "full_real_eap_sd": [round(float(v), 3) for v in full.eap.std(axis=0)],
        "mean_top_before": {
            "full": round(float(full.before.max(axis=1).mean()), 4),
            "adaptive": round(float(quick.before.max(axis=1).mean()), 4),
        },
        "mean_top_after": {f: round(float(after[f].max(axis=1).mean()), 4) for f in FORMS},
        "share_quite_sure_after": {
            f: round(float(np.mean(after[f].max(axis=1) >= 0.9)), 4) for f in FORMS
        },
        "quick_gives_full_style": round(float(np.mean(quick_style == full_style)), 4),
        "mean_full_form_agreement": round(float(agreement.mean()), 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--held-out", action="store_true", help="add the real held-out check")
    parser.add_argument("--data", type=Path, default=None, help="ecr-calibration.csv")
    parser.add_argument("--fit-people", type=int, default=FIT_PEOPLE)
    parser.add_argument("--evaluation-people", type=int, default=EVALUATION_PEOPLE)
    args = parser.parse_args(argv)
    if args.held_out:
        path = args.data if args.data is not None else default_data_path()
        if path is None:
            print("certainty_study: the calibration data were not found", file=sys.stderr)
            return 2
        document = json.loads(CERTAINTY_PATH.read_text(encoding="utf-8"))
        document["figures"]["held_out"] = run_held_out(document, path)
        document["held_out_command"] = f"{COMMAND} --held-out"
    else:
        document = run_simulation(
            fit_people=args.fit_people, evaluation_people=args.evaluation_people
        )
    CERTAINTY_PATH.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(document["inflation"]), json.dumps(document["retest_agreement"]))
    print(f"wrote {CERTAINTY_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
