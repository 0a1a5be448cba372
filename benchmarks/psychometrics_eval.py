"""Cross-validated accuracy of the full ECR, the 12-item ECR-S and the adaptive test.

    .venv/bin/python benchmarks/psychometrics_eval.py [--data PATH] [--grid]

Fits the item bank on a fixed random 80% of the calibration file (seed 20180301) and scores the
other 20% -- respondents the calibration never saw -- using complete response patterns only.
The reference for every row is the full-form EAP with the refitted bank: its style is the
quadrant of the EAP thetas against the cuts. The adaptive test is simulated by answering each
question with the person's real answer.

``--grid`` also runs the experiment grid used to choose the AdaptiveTest defaults. The grid is
evaluated on 3,000 complete *training* respondents, so the held-out table is not used for
tuning.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import BANK_PATH, ItemBank
from securebase.psychometrics.calibrate import calibrate_document
from securebase.psychometrics.data import default_data_path, load_ecr_csv
from securebase.psychometrics.scoring import scorer_for

SEED = 20180301
TRAIN_SHARE = 0.8
ECR_S = (11, 13, 17, 27, 33, 35, 6, 16, 18, 22, 26, 32)
GRID_PEOPLE = 3000

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


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
) -> dict[str, Any]:
    """Mean length, length distribution, style agreement and theta correlations."""
    lengths_arr = np.asarray(lengths)
    return {
        "form": name,
        "mean_items": float(lengths_arr.mean()),
        "length_quantiles": [int(q) for q in np.percentile(lengths_arr, [0, 10, 50, 90, 100])],
        "agreement": float(np.mean([a == b for a, b in zip(styles, full_styles, strict=True)])),
        "r_anxiety": float(np.corrcoef(eap[:, 0], full_eap[:, 0])[0, 1]),
        "r_avoidance": float(np.corrcoef(eap[:, 1], full_eap[:, 1])[0, 1]),
    }


def fixed_form(
    bank: ItemBank, responses: IntArray, items: Sequence[int]
) -> tuple[FloatArray, list[str]]:
    """EAPs and most probable styles when only ``items`` are answered."""
    scorer = scorer_for(bank)
    masked = np.zeros_like(responses)
    columns = [number - 1 for number in items]
    masked[:, columns] = responses[:, columns]
    eap, _, p_high = scorer.batch(masked)
    return eap, scorer.styles(p_high)


def simulate_cat(
    bank: ItemBank, responses: IntArray, settings: Mapping[str, Any]
) -> tuple[list[int], FloatArray, list[str], list[list[float]]]:
    """Run the adaptive test on every row; also record the progress() trace per person."""
    lengths: list[int] = []
    thetas = np.empty((responses.shape[0], 2))
    styles: list[str] = []
    traces: list[list[float]] = []
    for row, person in enumerate(responses):
        test = AdaptiveTest(bank=bank, **settings)
        trace = []
        while (item := test.next_item()) is not None:
            test.answer(item, int(person[item - 1]))
            trace.append(test.progress())
        result = test.result()
        lengths.append(len(test.answers))
        thetas[row] = result.anxiety.theta, result.avoidance.theta
        styles.append(result.style)
        traces.append(trace)
    return lengths, thetas, styles, traces


def progress_quality(traces: Sequence[Sequence[float]]) -> dict[str, float]:
    """How honest progress() is: share of steps where it went down, and mean error vs truth."""
    drops = steps = 0
    errors = []
    for trace in traces:
        total = len(trace)
        for k, value in enumerate(trace):
            if k and value < trace[k - 1]:
                drops += 1
            steps += 1
            if k < total - 1:
                errors.append(abs(value - (k + 1) / total))
    return {
        "share_of_decreases": drops / steps,
        "mean_abs_error": float(np.mean(errors)) if errors else 0.0,
    }


def format_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Markdown table of :func:`summarize` rows."""
    lines = [
        "| form | mean items | items (min/p10/median/p90/max) | style agreement "
        "| r anxiety | r avoidance |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        quantiles = "/".join(str(q) for q in row["length_quantiles"])
        lines.append(
            f"| {row['form']} | {row['mean_items']:.2f} | {quantiles} "
            f"| {100 * row['agreement']:.1f}% | {row['r_anxiety']:.3f} | {row['r_avoidance']:.3f} |"
        )
    return "\n".join(lines)


#: The final grid (docs/psychometrics.md); misfit_variance and style_weight stay at defaults.
GRID: dict[str, Sequence[Any]] = {
    "se_target": (0.4, 0.45, 0.5),
    "style_confidence": (0.9, 0.92, 0.95),
    "max_items": (20, 24),
}

_worker_state: dict[str, Any] = {}


def _init_worker(document: dict[str, Any], responses: IntArray) -> None:
    _worker_state["bank"] = ItemBank.from_document(document)
    _worker_state["responses"] = responses


def _grid_point(settings: dict[str, Any]) -> dict[str, Any]:
    bank: ItemBank = _worker_state["bank"]
    responses: IntArray = _worker_state["responses"]
    full_eap, full_styles = reference(bank, responses)
    lengths, eap, styles, _ = simulate_cat(bank, responses, settings)
    return summarize(json.dumps(settings), lengths, eap, styles, full_eap, full_styles)


def run_grid(document: dict[str, Any], responses: IntArray, workers: int) -> list[dict[str, Any]]:
    """Evaluate every combination of :data:`GRID` on the given respondents, in parallel."""
    points = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    rows = []
    with ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(document, responses)
    ) as pool:
        for row in pool.map(_grid_point, points):
            rows.append(row)
            print(format_table([row]).splitlines()[-1], flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=default_data_path())
    parser.add_argument("--grid", action="store_true", help="also run the CAT settings grid")
    parser.add_argument("--workers", type=int, default=2, help="processes for --grid")
    parser.add_argument("--fitted", type=Path, help="cache file for the 80%% refit (JSON)")
    args = parser.parse_args(argv)
    if args.data is None:
        parser.error("calibration data not found; pass --data")
    data = load_ecr_csv(args.data)
    train, test = split(data.n)
    if args.fitted is not None and args.fitted.exists():
        document = json.loads(args.fitted.read_text(encoding="utf-8"))
    else:
        base = json.loads(BANK_PATH.read_text(encoding="utf-8"))
        document = calibrate_document(base, data, rows=train)
        if args.fitted is not None:
            args.fitted.write_text(json.dumps(document), encoding="utf-8")
    bank = ItemBank.from_document(document)
    responses = data.responses.astype(np.int64)
    complete: NDArray[np.bool_] = np.all(responses > 0, axis=1)
    held_out = responses[test[complete[test]]]
    print(f"fitted on {len(train):,} respondents; testing on {len(held_out):,} complete held-out")
    print(f"cuts: {bank.cuts}")

    if args.grid:
        tuning = responses[train[complete[train]]]
        tuning = tuning[np.random.default_rng(SEED + 1).permutation(len(tuning))[:GRID_PEOPLE]]
        print(f"\nCAT settings grid on {len(tuning):,} complete training respondents")
        run_grid(document, tuning, args.workers)

    full_eap, full_styles = reference(bank, held_out)
    n = len(held_out)
    rows = [
        summarize("full ECR (36 items)", [36] * n, full_eap, full_styles, full_eap, full_styles)
    ]
    short_eap, short_styles = fixed_form(bank, held_out, ECR_S)
    rows.append(
        summarize("ECR-S (12 items, EAP)", [12] * n, short_eap, short_styles, full_eap, full_styles)
    )
    defaults = AdaptiveTest(bank=bank).get_params()
    start = time.perf_counter()
    lengths, cat_eap, cat_styles, traces = simulate_cat(bank, held_out, defaults)
    elapsed = time.perf_counter() - start
    rows.append(
        summarize("adaptive (defaults)", lengths, cat_eap, cat_styles, full_eap, full_styles)
    )
    print(f"\nAdaptiveTest defaults: {defaults} ({elapsed:.0f} s for {n:,} simulated sessions)")
    print(format_table(rows))
    histogram = np.bincount(lengths, minlength=defaults["max_items"] + 1)
    print("\nadaptive test length distribution (items: people):")
    print(", ".join(f"{k}: {c}" for k, c in enumerate(histogram) if c))
    print(f"progress(): {progress_quality(traces)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
