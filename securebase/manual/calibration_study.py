"""The calibration study of "how sure" (chapter 14), read from the generated files.

The generating model is fitted by ``python -m securebase.manual.generating_fit`` (training
split) and stored in ``securebase/psychometrics/generating_model.json``; the widening factors
the site applies and the study's figures are produced by ``python -m
securebase.psychometrics.certainty_study`` (simulation; ``--held-out`` once for the real
check) and stored in ``securebase/psychometrics/certainty.json``, which the site reads. The
manual reports exactly those figures (rounded) rather than running a second simulation; both
files are fingerprinted and a test recomputes this section from them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from securebase.manual.bank_facts import r
from securebase.psychometrics.certainty import CERTAINTY_PATH
from securebase.psychometrics.generating_model import MODEL_PATH
from securebase.psychometrics.norms import DIMENSIONS


def _reliability(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "ece": r(row["ece"]),
        "mean_top": r(row["mean_top"]),
        "share_right": r(row["share_right"]),
        "share_quite_sure": r(row["share_quite_sure"]),
        "bins": [
            {
                "low": b["low"],
                "high": b["high"],
                "n": b["n"],
                "shown": b["shown"],
                "right": b["right"],
            }
            for b in row["bins"]
        ],
    }


def calibration_facts(
    certainty_path: Path = CERTAINTY_PATH, model_path: Path = MODEL_PATH
) -> dict[str, Any]:
    """The generating model's fit and the calibration study's figures, for the manual."""
    certainty_raw, model_raw = certainty_path.read_bytes(), model_path.read_bytes()
    certainty, model = json.loads(certainty_raw), json.loads(model_raw)
    figures = certainty["figures"]
    forms = {}
    for form, row in figures["forms"].items():
        forms[form] = {
            "before": _reliability(row["before"]),
            "after": _reliability(row["after"]),
            "coverage_before": {k: r(v) for k, v in row["coverage_before"].items()},
            "coverage_after": {k: r(v) for k, v in row["coverage_after"].items()},
            "retest_agreement": r(row["retest_agreement"]),
            "retest_agreement_new_groups": r(row["retest_agreement_new_groups"]),
            "accuracy": r(row["accuracy"]),
            "fit": {
                d: {
                    "k": r(row["fit"][d]["k"], 2),
                    "k_min": r(min(row["fit"][d]["k_per_fold"]), 2),
                    "k_max": r(max(row["fit"][d]["k_per_fold"]), 2),
                    "cv_log_loss": r(row["fit"][d]["cv_log_loss"]),
                    "cv_log_loss_unwidened": r(row["fit"][d]["cv_log_loss_unwidened"]),
                }
                for d in DIMENSIONS
            },
        }
        if "full_form_agreement" in row:
            forms[form]["mean_answers"] = r(row["mean_answers"], 1)
            forms[form]["full_form_agreement"] = {
                k: r(v) for k, v in row["full_form_agreement"].items()
            }
    held_out = figures.get("held_out")
    return {
        "certainty_sha256": hashlib.sha256(certainty_raw).hexdigest(),
        "model_sha256": hashlib.sha256(model_raw).hexdigest(),
        "command": certainty["command"],
        "held_out_command": certainty.get("held_out_command"),
        "model_command": model["command"],
        "model": {
            "solution": model["solution"],
            "n_training": model["n_training"],
            "general_correlation": r(model["general_correlation"]),
            "fit": model["fit"],
            "realism": model["realism"],
        },
        "fit_people": figures["fit_people"],
        "evaluation_people": figures["evaluation_people"],
        "folds": figures["folds"],
        "simulated_eap_sd": figures["simulated_eap_sd"],
        "forms": forms,
        "held_out": held_out,
    }
