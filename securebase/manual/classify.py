"""Classification consistency and accuracy, overall and by distance from the cuts (chapter 10).

The simulation is :func:`securebase.psychometrics.classification.simulate` (the same code the
bank's stored full-form figures come from): true thetas from N(0, 1), two independent sittings
answered from the GRM, each scored as the site scores a person. Here it is run for the full
form and the 12-item ECR-S with the shipped bank. The quick test's figures are not simulated a
second time: they are the ones the package itself reports
(:func:`securebase.psychometrics.adaptive_rules.quick_test_accuracy`), simulated the same way
by the held-out evaluation and stored in ``adaptive_rules.json``, so the manual and the code
state one figure for each quantity.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from securebase.manual.bank_facts import ECR_S, r
from securebase.psychometrics.adaptive_rules import adaptive_rules
from securebase.psychometrics.bank import ItemBank
from securebase.psychometrics.classification import simulate

FIXED_SIMULEES = 100_000
SEED = 20180301
DISTANCE_EDGES = (0.0, 0.25, 0.5, 1.0, float("inf"))


def _row(
    low: float, high: float | None, n: float, consistency: float, accuracy: float
) -> dict[str, float | None]:
    return {
        "low": low,
        "high": high,
        "n": int(n),
        "consistency": r(consistency),
        "accuracy": r(accuracy),
    }


def quick_test_figures() -> dict[str, Any]:
    """The quick test's stored consistency and accuracy, in the layout of the simulated forms."""
    stored = adaptive_rules().figures["classification"]
    quick = stored["quick_test"]
    n = int(stored["n_simulees"])
    consistency = float(quick["consistency"])
    edges = [row["low"] for row in quick["by_distance"]]
    if edges != list(DISTANCE_EDGES[:-1]):
        raise ValueError(
            f"adaptive_rules.json has distance bands {edges}, the manual uses "
            f"{list(DISTANCE_EDGES[:-1])}: rerun the held-out evaluation"
        )
    return {
        "n": n,
        "seed": int(stored["seed"]),
        "source": "adaptive_rules.json",
        "consistency": r(consistency, 4),
        "accuracy": r(float(quick["accuracy"]), 4),
        "se": r(float(np.sqrt(consistency * (1.0 - consistency) / n)), 4),
        "by_distance": [
            _row(row["low"], row["high"], row["n"], row["consistency"], row["accuracy"])
            for row in quick["by_distance"]
        ],
    }


def classification(bank: ItemBank) -> dict[str, Any]:
    """Consistency, accuracy and their breakdown by distance for three forms."""
    result: dict[str, Any] = {"seed": SEED, "edges": list(DISTANCE_EDGES[:-1])}
    for name, form in (("full", None), ("ecr_s", ECR_S)):
        simulation = simulate(form, bank=bank, n=FIXED_SIMULEES, seed=SEED)
        result[name] = {
            "n": simulation.n,
            "consistency": r(simulation.consistency, 4),
            "accuracy": r(simulation.accuracy, 4),
            "se": r(simulation.standard_error(simulation.consistency), 4),
            "by_distance": [
                _row(
                    row["low"],
                    None if np.isinf(row["high"]) else row["high"],
                    row["n"],
                    row["consistency"],
                    row["accuracy"],
                )
                for row in simulation.by_distance(DISTANCE_EDGES)
            ],
        }
    result["adaptive"] = quick_test_figures()
    return result
