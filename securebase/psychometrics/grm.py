"""Samejima's graded response model (logistic form) for 5-point items.

An item has a discrimination ``a > 0`` and four ordered thresholds ``b_1 < ... < b_4``.
The boundary curve ``P*_k(theta) = logistic(a (theta - b_k))`` is the probability of answering in
keyed category ``k`` or higher; category probabilities are differences of adjacent boundaries.
Categories are indexed 0..4 and correspond to the keyed answers 1..5.

Everything here is vectorised over items and over a grid of theta values, because the EM
calibration, EAP scoring and adaptive item selection all evaluate the model on a fixed grid.
Differences of boundary curves are computed in a cancellation-free form so that category
probabilities stay strictly positive (and their logs finite) far out in the tails.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, log_expit

FloatArray = NDArray[np.float64]

N_CATEGORIES = 5


def _boundary_logits(theta: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Return ``a_j (theta_t - b_jk)`` with shape (items, 4, thetas)."""
    return a[:, None, None] * (theta[None, None, :] - b[:, :, None])


def log_category_probabilities(theta: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Log category probabilities, shape (items, 5, thetas).

    ``sigma(x) - sigma(y) = sigma(x) * sigma(-y) * (1 - exp(y - x))`` for ``x > y`` avoids the
    catastrophic cancellation of subtracting two boundary probabilities that are both near 1.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    x = _boundary_logits(theta, a, b)
    out = np.empty((a.shape[0], N_CATEGORIES, theta.shape[0]))
    out[:, 0, :] = log_expit(-x[:, 0, :])
    upper = x[:, :-1, :]
    lower = x[:, 1:, :]
    gap = (a[:, None] * (b[:, 1:] - b[:, :-1]))[:, :, None]
    out[:, 1:-1, :] = log_expit(upper) + log_expit(-lower) + np.log(-np.expm1(-gap))
    out[:, -1, :] = log_expit(x[:, -1, :])
    return out


def category_probabilities(theta: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Category probabilities, shape (items, 5, thetas); each (item, theta) column sums to 1."""
    return np.exp(log_category_probabilities(theta, a, b))


def item_information(theta: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Fisher information of each item at each theta, shape (items, thetas).

    ``I(theta) = sum_k P_k'(theta)^2 / P_k(theta)`` with
    ``P_k' = a (W_k - W_{k+1})`` and ``W_k = P*_k (1 - P*_k)`` (``W_0 = W_5 = 0``).
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    a = np.asarray(a, dtype=np.float64)
    x = _boundary_logits(theta, a, np.asarray(b, dtype=np.float64))
    w = expit(x) * expit(-x)
    zeros = np.zeros((a.shape[0], 1, theta.shape[0]))
    w_full = np.concatenate([zeros, w, zeros], axis=1)
    derivative = a[:, None, None] * (w_full[:, :-1, :] - w_full[:, 1:, :])
    probabilities = category_probabilities(theta, a, b)
    info: FloatArray = np.sum(derivative**2 / probabilities, axis=1)
    return info


def expected_score(theta: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Expected keyed answer (1..5) of each item at each theta, shape (items, thetas).

    ``E[X] = 1 + sum_k P*_k(theta)``; summed over items this is the test characteristic curve.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    x = _boundary_logits(theta, np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    result: FloatArray = 1.0 + expit(x).sum(axis=1)
    return result


def simulate_categories(
    theta: FloatArray, a: FloatArray, b: FloatArray, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Draw keyed categories (0..4), shape (people, items), for simulation studies.

    ``X >= k`` exactly when a uniform draw falls below the boundary probability ``P*_k``, so the
    category is the number of boundaries above the draw.
    """
    x = np.asarray(a)[None, :, None] * (
        np.asarray(theta)[:, None, None] - np.asarray(b)[None, :, :]
    )
    draws = rng.random((x.shape[0], x.shape[1], 1))
    result: NDArray[np.int64] = (draws < expit(x)).sum(axis=2).astype(np.int64)
    return result
