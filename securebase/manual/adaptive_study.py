"""The held-out study of the adaptive test (chapter 11): ``benchmarks/psychometrics_eval.py``.

The manual runs the benchmark's own functions (imported from the script, not copied), so its
table is the benchmark's table: the bank refitted on a fixed random 80% of the file, and the full
form, the ECR-S and the adaptive test with its default settings on the complete held-out 20%.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np

from securebase.manual.bank_facts import r
from securebase.manual.source import Inputs
from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import BANK_PATH, ItemBank
from securebase.psychometrics.calibrate import calibrate_document

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "psychometrics_eval.py"


def _benchmark_module() -> Any:
    spec = importlib.util.spec_from_file_location("psychometrics_eval", BENCHMARK)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {BENCHMARK}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "form": row["form"],
        "mean_items": r(row["mean_items"], 2),
        "length_quantiles": row["length_quantiles"],
        "agreement": r(row["agreement"], 4),
        "r_anxiety": r(row["r_anxiety"]),
        "r_avoidance": r(row["r_avoidance"]),
    }


def adaptive_study(inputs: Inputs) -> dict[str, Any]:
    """The benchmark's held-out table, length distribution and progress() quality."""
    bench = _benchmark_module()
    data = inputs.data
    train, test = bench.split(data.n)
    base = json.loads(BANK_PATH.read_text(encoding="utf-8"))
    bank = ItemBank.from_document(calibrate_document(base, data, rows=train))
    responses = data.responses.astype(np.int64)
    complete = np.all(responses > 0, axis=1)
    held_out = responses[test[complete[test]]]
    full_eap, full_styles = bench.reference(bank, held_out)
    n = len(held_out)
    rows = [bench.summarize("full", [36] * n, full_eap, full_styles, full_eap, full_styles)]
    short_eap, short_styles = bench.fixed_form(bank, held_out, bench.ECR_S)
    rows.append(bench.summarize("ecr_s", [12] * n, short_eap, short_styles, full_eap, full_styles))
    settings = AdaptiveTest(bank=bank).get_params()
    lengths, cat_eap, cat_styles, traces = bench.simulate_cat(bank, held_out, settings)
    rows.append(bench.summarize("adaptive", lengths, cat_eap, cat_styles, full_eap, full_styles))
    progress = bench.progress_quality(traces)
    return {
        "n_train": len(train),
        "n_held_out": n,
        "seed": bench.SEED,
        "settings": dict(sorted(settings.items())),
        "rows": [_row(row) for row in rows],
        "length_counts": np.bincount(lengths, minlength=settings["max_items"] + 1).tolist(),
        "progress_mean_abs_error": r(progress["mean_abs_error"]),
        "progress_share_of_decreases": r(progress["share_of_decreases"]),
    }
