"""Item fit: the S-X2 statistic of Orlando & Thissen (2000), generalised to graded items.

Respondents who answered every item of a dimension are grouped by their summed keyed score. For
each item and score group the observed category proportions are compared with the model's,
``P(x_j = c | S = s) = sum_q w_q P_jc(q) f_-j(s - c | q) / sum_q w_q f(s | q)``, where ``f`` is
the summed-score distribution given theta (Lord-Wingersky recursion) and ``f_-j`` the same
without item j. Unlike fit statistics built on theta estimates, this needs no estimated thetas,
which is why it is the usual choice for IRT item fit. With tens of thousands of respondents any
misfit is significant, so the RMSEA (misfit per degree of freedom) is the number to read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from securebase.psychometrics.grm import N_CATEGORIES, FloatArray, category_probabilities

MIN_EXPECTED = 1.0


@dataclass(frozen=True)
class ItemFit:
    """S-X2 of one item with its degrees of freedom, p-value and RMSEA."""

    s_x2: float
    df: int
    p_value: float
    rmsea: float


def summed_score_distribution(probabilities: FloatArray) -> FloatArray:
    """Lord-Wingersky recursion: P(summed score = s | node), shape (nodes, max score + 1).

    ``probabilities`` has shape (items, categories, nodes); categories score 0, 1, ...
    """
    n_items, n_categories, n_nodes = probabilities.shape
    distribution = np.zeros((n_nodes, (n_categories - 1) * n_items + 1))
    distribution[:, 0] = 1.0
    top = 0
    for j in range(n_items):
        updated = np.zeros_like(distribution)
        for c in range(n_categories):
            updated[:, c : c + top + 1] += distribution[:, : top + 1] * probabilities[j, c][:, None]
        distribution = updated
        top += n_categories - 1
    return distribution


def _collapse(observed: FloatArray, expected: FloatArray) -> list[tuple[FloatArray, FloatArray]]:
    """Merge adjacent score groups until every expected cell count is at least 1."""
    groups: list[tuple[FloatArray, FloatArray]] = []
    current_o = np.zeros(observed.shape[1])
    current_e = np.zeros(observed.shape[1])
    for o_row, e_row in zip(observed, expected, strict=True):
        current_o, current_e = current_o + o_row, current_e + e_row
        if current_e.min() >= MIN_EXPECTED:
            groups.append((current_o, current_e))
            current_o, current_e = np.zeros_like(current_o), np.zeros_like(current_e)
    if current_e.sum() > 0:
        if groups:
            last_o, last_e = groups.pop()
            groups.append((last_o + current_o, last_e + current_e))
        else:
            groups.append((current_o, current_e))
    return groups


def s_x2(
    categories: NDArray[np.int64],
    a: FloatArray,
    b: FloatArray,
    nodes: FloatArray,
    weights: FloatArray,
) -> list[ItemFit]:
    """S-X2 of every item from complete rows of keyed categories (0..4; rows with -1 dropped)."""
    complete = categories[(categories >= 0).all(axis=1)]
    n_items = complete.shape[1]
    probabilities = category_probabilities(nodes, a, b)
    totals = complete.sum(axis=1)
    max_score = (N_CATEGORIES - 1) * n_items
    group_sizes = np.bincount(totals, minlength=max_score + 1).astype(np.float64)
    marginal = weights @ summed_score_distribution(probabilities)
    # Extreme scores determine every answer, so they carry no information about fit.
    inner = np.arange(1, max_score)
    fits = []
    for j in range(n_items):
        rest = summed_score_distribution(np.delete(probabilities, j, axis=0))
        expected = np.zeros((max_score + 1, N_CATEGORIES))
        for c in range(N_CATEGORIES):
            joint = (weights * probabilities[j, c]) @ rest
            expected[c : c + joint.size, c] = joint
        expected /= marginal[:, None]
        observed = np.zeros((max_score + 1, N_CATEGORIES))
        np.add.at(observed, (totals, complete[:, j]), 1.0)
        groups = _collapse(observed[inner], expected[inner] * group_sizes[inner, None])
        statistic = float(sum(np.sum((o - e) ** 2 / e) for o, e in groups))
        df = max(len(groups) * (N_CATEGORIES - 1) - (N_CATEGORIES), 1)
        rmsea = float(np.sqrt(max(statistic - df, 0.0) / (df * (complete.shape[0] - 1))))
        fits.append(ItemFit(statistic, df, float(chi2.sf(statistic, df)), rmsea))
    return fits
