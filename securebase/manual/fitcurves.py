"""Observed against model-expected item scores by summed score (the figure of chapter 7).

For the item with the largest S-X2 RMSEA in each dimension: among people who answered every
item of the dimension, the mean keyed answer at each summed score, against its model
expectation ``E[x_j | S = s]`` computed exactly as in S-X2 (Lord-Wingersky recursion over the
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
    """``E[category of item j | summed score s]`` (categories 0..4) for s = 0..4 * items."""
    nodes, weights = quadrature()
    probabilities = category_probabilities(nodes, a, b)
    marginal = weights @ summed_score_distribution(probabilities)
    rest = summed_score_distribution(np.delete(probabilities, j, axis=0))
    expected = np.zeros(marginal.size)
    for c in range(1, 5):
        joint = (weights * probabilities[j, c]) @ rest
        expected[c : c + joint.size] += c * joint
    return expected / marginal


def worst_item_curves(inputs: Inputs, worst: dict[str, int]) -> dict[str, Any]:
    """Curves (summed score, observed mean, expected mean) of the worst-fitting items."""
    bank = inputs.bank
    keyed = keyed_matrix(bank, inputs.data.responses)
    curves: dict[str, Any] = {}
    for dimension, number in worst.items():
        columns = dimension_columns(bank, dimension)
        block = keyed[:, columns]
        block = block[~np.isnan(block).any(axis=1)] - 1
        a, b = bank.parameters(dimension)
        j = columns.index(number - 1)
        expected = expected_by_score(a, b, j)
        totals = block.sum(axis=1).astype(np.int64)
        counts = np.bincount(totals, minlength=expected.size)
        sums = np.bincount(totals, weights=block[:, j], minlength=expected.size)
        keep = counts >= MIN_GROUP
        scores = np.flatnonzero(keep)
        curves[f"{dimension}, item {number}"] = {
            "score": scores + len(columns),
            "observed": sums[keep] / counts[keep] + 1,
            "expected": expected[keep] + 1,
        }
    return curves
