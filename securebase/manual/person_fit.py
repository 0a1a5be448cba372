"""Person fit and response quality (the manual's person-fit chapter).

The thresholds of the response-quality checks and their false-alarm and hit rates are produced
by ``benchmarks/response_quality_eval.py`` (``--fit`` on the training split, ``--held-out`` once)
and stored in ``securebase/psychometrics/response_quality.json``, which the site itself reads;
:func:`person_fit_facts` reports exactly those figures. :func:`lz_distribution` computes, from
the data, the distribution of ``lz*`` on the full form for the training respondents, for
answers simulated from the model and for uniform random answers (the chapter's figure).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from securebase.manual.bank_facts import r
from securebase.manual.source import Inputs
from securebase.psychometrics import response_quality as rq
from securebase.psychometrics.grm import simulate_categories
from securebase.psychometrics.norms import DIMENSIONS

#: Same split as the benchmarks (psychometrics_eval.py): seed and training share.
SPLIT_SEED = 20180301
TRAIN_SHARE = 0.8
SIMULEES = 5000
HISTOGRAM_EDGES = np.linspace(-12.0, 5.0, 69)


def person_fit_facts(path: Path = rq.THRESHOLDS_PATH) -> dict[str, Any]:
    """Thresholds, protocol, false-alarm and hit rates, from ``response_quality.json``."""
    raw = path.read_bytes()
    document = json.loads(raw)
    figures = document["figures"]
    return {
        "sha256": hashlib.sha256(raw).hexdigest(),
        "command": document["regenerate"],
        "protocol": document["protocol"],
        "thresholds": document["thresholds"],
        "training": figures["training"],
        "held_out": figures.get("held_out"),
        "simulated": figures["simulated"],
    }


def _training_rows(n: int) -> np.ndarray:
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    return np.sort(order[: round(TRAIN_SHARE * n)])


def lz_distribution(inputs: Inputs) -> dict[str, Any]:
    """Histograms of full-form ``lz*``: training respondents, model simulees, random answers."""
    responses = inputs.data.responses.astype(np.int64)[_training_rows(inputs.data.n)]
    responses = responses[np.all(responses > 0, axis=1)]
    rng = np.random.default_rng(SPLIT_SEED)
    simulated = np.zeros((SIMULEES, 36), dtype=np.int64)
    thetas = rng.normal(size=(SIMULEES, 2))
    for d, dimension in enumerate(DIMENSIONS):
        a, b = inputs.bank.parameters(dimension)
        keyed = simulate_categories(thetas[:, d], a, b, rng) + 1
        for j, item in enumerate(inputs.bank.dimension_items(dimension)):
            simulated[:, item.number - 1] = 6 - keyed[:, j] if item.reverse else keyed[:, j]
    random = rng.integers(1, 6, (SIMULEES, 36))
    out: dict[str, Any] = {"edges": [r(e, 3) for e in HISTOGRAM_EDGES]}
    for name, patterns in (("real", responses), ("model", simulated), ("random", random)):
        lz = rq.person_fit(patterns, inputs.bank)
        clipped = np.clip(lz, HISTOGRAM_EDGES[0], HISTOGRAM_EDGES[-1] - 1e-9)
        counts, _ = np.histogram(clipped, HISTOGRAM_EDGES)
        out[name] = {
            "n": len(patterns),
            "share": [r(c / len(patterns), 5) for c in counts],
            "mean": r(float(np.mean(lz)), 3),
            "sd": r(float(np.std(lz)), 3),
        }
    return out
