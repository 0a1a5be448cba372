"""Observed against model-expected category curves by summed score (the figure of chapter 7).

For the item with the largest S-X2 RMSEA in each dimension: among people who answered every
item of the dimension, the share giving each keyed answer at each summed score, against the
model's ``P(x_j = c | S = s)`` computed exactly as in S-X2 (Lord-Wingersky recursion over the
calibration's quadrature), i.e. the picture behind the statistic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from securebase.manual.descriptive import dimension_columns, keyed_matrix
from securebase.manual.source import Inputs
from securebase.psychometrics.calibration import quadrature
from securebase.psychometrics.grm import category_probabilities
from securebase.psychometrics.itemfit import summed_score_distribution

MIN_GROUP = 30


def expected_by_score(a: np.ndarray, b: np.ndarray, j: int) -> np.ndarray:
    """``P(category c of item j | summed score s)``, shape (4 * items + 1, 5)."""
    nodes, weights = quadrature()
    probabilities = category_probabilities(nodes, a, b)
    marginal = weights @ summed_score_distribution(probabilities)
    rest = summed_score_distribution(np.delete(probabilities, j, axis=0))
    expected = np.zeros((marginal.size, 5))
    for c in range(5):
        joint = (weights * probabilities[j, c]) @ rest
        expected[c : c + joint.size, c] = joint
    return expected / marginal[:, None]


def worst_item_curves(inputs: Inputs, worst: dict[str, int]) -> dict[str, Any]:
    """Curves (summed score, observed and expected category shares) of the worst items."""
    bank = inputs.bank
    keyed = keyed_matrix(bank, inputs.data.responses)
    curves: dict[str, Any] = {}
    for dimension, number in worst.items():
        columns = dimension_columns(bank, dimension)
        answered = keyed[:, columns]
        block = (answered[~np.isnan(answered).any(axis=1)] - 1).astype(np.int64)
        a, b = bank.parameters(dimension)
        j = columns.index(number - 1)
        expected = expected_by_score(a, b, j)
        totals = block.sum(axis=1)
        counts = np.bincount(totals, minlength=expected.shape[0])
        observed = np.zeros_like(expected)
        np.add.at(observed, (totals, block[:, j]), 1.0)
        keep = counts >= MIN_GROUP
        scores = np.flatnonzero(keep)
        curves[f"{dimension}, item {number}"] = {
            "score": scores + len(columns),
            "observed": observed[keep] / counts[keep, None],
            "expected": expected[keep],
        }
    return curves
