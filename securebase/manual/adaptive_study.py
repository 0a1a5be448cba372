"""The adaptive test's rules and held-out figures (chapter 11), read from the generated file.

The quick test's settings, fitted stopping rule and its held-out study are produced by
``benchmarks/psychometrics_eval.py`` (``--fit`` on the training split, ``--held-out`` once on the
held-out split) and stored in ``securebase/psychometrics/adaptive_rules.json``, which the site
itself reads. The manual reports exactly those figures (rounded) rather than running a second,
possibly different, simulation; like the bank, the file is fingerprinted and the test suite
recomputes this section from it, so the manual cannot silently fall behind the quick test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from securebase.manual.bank_facts import r
from securebase.psychometrics.adaptive_rules import RULES_PATH

FORMS = {"full": "full ECR", "ecr_s": "ECR-S", "adaptive": "quick test"}


def _form_key(name: str) -> str:
    for key, prefix in FORMS.items():
        if name.startswith(prefix):
            return key
    raise ValueError(f"unknown form in the held-out table: {name!r}")


def adaptive_facts(path: Path = RULES_PATH) -> dict[str, Any]:
    """Settings and held-out figures of the adaptive test, from ``adaptive_rules.json``."""
    raw = path.read_bytes()
    document = json.loads(raw)
    figures = document["figures"]
    rows = [
        {
            "form": _form_key(row["form"]),
            "mean_items": r(row["mean_items"], 2),
            "length_quantiles": [int(q) for q in row["length_quantiles"]],
            "agreement": r(row["agreement"], 4),
            "r_anxiety": r(row["r_anxiety"]),
            "r_avoidance": r(row["r_avoidance"]),
            "mean_per_dimension": [r(v, 1) for v in row.get("mean_per_dimension", [])],
        }
        for row in figures["table"]
    ]
    return {
        "rules_sha256": hashlib.sha256(raw).hexdigest(),
        "fit_command": document["command"],
        "held_out_command": figures["command"],
        "settings": document["settings"],
        "stopping_method": document["stopping"]["method"],
        "temperature": {k: r(v, 3) for k, v in document["temperature"]["values"].items()},
        "n_held_out": figures["held_out_people"],
        "length": figures["length"],
        "rows": rows,
        "calibration_error": {k: r(v, 3) for k, v in figures["calibration_error"].items()},
    }
