"""Classification consistency and accuracy, overall and by distance from the cuts (chapter 10).

The simulation is :func:`securebase.psychometrics.classification.simulate` (the same code the
bank's stored full-form figures come from): true thetas from N(0, 1), two independent sittings
answered from the GRM, each scored as the site scores a person. Here it is run for the full
form, the 12-item ECR-S and the adaptive test with its default settings and the shipped bank
(each simulee's adaptive test answers from that simulee's simulated answers to all 36 items);
the adaptive test is slower, so it gets fewer simulees (as many as the benchmark uses).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.manual.bank_facts import ECR_S, r
from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import ItemBank
from securebase.psychometrics.classification import simulate

FIXED_SIMULEES = 100_000
ADAPTIVE_SIMULEES = 2_000
SEED = 20180301
DISTANCE_EDGES = (0.0, 0.25, 0.5, 1.0, float("inf"))


def adaptive_form(bank: ItemBank):
    """A form for :func:`simulate`: run the default adaptive test on each row of answers."""

    def run(responses: NDArray[np.int64]) -> list[str]:
        styles = []
        for person in responses:
            test = AdaptiveTest(bank=bank)
            while (item := test.next_item()) is not None:
                test.answer(item, int(person[item - 1]))
            styles.append(test.result().style)
        return styles

    return run


def classification(bank: ItemBank) -> dict[str, Any]:
    """Consistency, accuracy and their breakdown by distance for three forms."""
    forms = (
        ("full", None, FIXED_SIMULEES),
        ("ecr_s", ECR_S, FIXED_SIMULEES),
        ("adaptive", adaptive_form(bank), ADAPTIVE_SIMULEES),
    )
    result: dict[str, Any] = {"seed": SEED, "edges": list(DISTANCE_EDGES[:-1])}
    for name, form, n in forms:
        simulation = simulate(form, bank=bank, n=n, seed=SEED)
        result[name] = {
            "n": simulation.n,
            "consistency": r(simulation.consistency, 4),
            "accuracy": r(simulation.accuracy, 4),
            "se": r(simulation.standard_error(simulation.consistency), 4),
            "by_distance": [
                {
                    "low": row["low"],
                    "high": None if np.isinf(row["high"]) else row["high"],
                    "n": int(row["n"]),
                    "consistency": r(row["consistency"]),
                    "accuracy": r(row["accuracy"]),
                }
                for row in simulation.by_distance(DISTANCE_EDGES)
            ],
        }
    return result
