"""Marginal maximum likelihood calibration of the graded response model (Bock-Aitkin EM).

One unidimensional GRM is fitted per ECR dimension with a fixed N(0, 1) latent prior on a fixed
grid of equally spaced quadrature nodes. Unanswered items (coded -1 here, 0 in the raw file) are
skipped in the likelihood rather than imputed, which is valid under missing-at-random.

The E-step is vectorised over respondents and nodes; the M-step maximises the expected complete
data log-likelihood for all items at once with L-BFGS on an unconstrained parametrisation
(``log a``, ``b_1``, ``log`` of the threshold gaps) so that ``a > 0`` and ordered thresholds hold
without constraints. Same input gives the same output: there is no randomness anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import expit, logit

from securebase.psychometrics.grm import N_CATEGORIES, FloatArray, log_category_probabilities

IntArray = NDArray[np.int64]

MISSING = -1
DEFAULT_NODES = 49
DEFAULT_BOUND = 6.0


def quadrature(
    n_nodes: int = DEFAULT_NODES, bound: float = DEFAULT_BOUND
) -> tuple[FloatArray, FloatArray]:
    """Equally spaced nodes on ``[-bound, bound]`` with normalised N(0, 1) weights."""
    nodes = np.linspace(-bound, bound, n_nodes)
    weights = np.exp(-0.5 * nodes**2)
    return nodes, weights / weights.sum()


def keyed_categories(
    responses: NDArray[np.integer], reverse: NDArray[np.bool_] | list[bool]
) -> IntArray:
    """Turn clicked answers (1..5, 0 = missing) into keyed categories (0..4, -1 = missing)."""
    clicked = np.asarray(responses, dtype=np.int64)
    flip = np.asarray(reverse, dtype=bool)[None, :]
    keyed = np.where(flip, 6 - clicked, clicked) - 1
    result: IntArray = np.where(clicked == 0, MISSING, keyed)
    return result


@dataclass(frozen=True)
class GrmFit:
    """Result of :func:`fit_grm` for one dimension.

    ``eap``/``psd`` are the posterior means and SDs of the fitted respondents on the quadrature
    grid (used for the marginal reliability); ``category_counts`` are the observed counts per
    item and category.
    """

    a: FloatArray
    b: FloatArray
    log_likelihood: float
    iterations: int
    converged: bool
    max_change: float
    n_respondents: int
    nodes: FloatArray
    weights: FloatArray
    eap: FloatArray
    psd: FloatArray
    category_counts: FloatArray

    @property
    def marginal_reliability(self) -> float:
        """``var(EAP) / (var(EAP) + mean(PSD^2))``: share of the score variance that is signal."""
        signal = float(np.var(self.eap))
        return signal / (signal + float(np.mean(self.psd**2)))

    def expected_category_proportions(self) -> FloatArray:
        """Model-implied population proportions per item and category, shape (items, 5)."""
        probabilities = np.exp(log_category_probabilities(self.nodes, self.a, self.b))
        result: FloatArray = probabilities @ self.weights
        return result

    def observed_category_proportions(self) -> FloatArray:
        """Observed proportions per item and category among those who answered the item."""
        result: FloatArray = self.category_counts / self.category_counts.sum(axis=1, keepdims=True)
        return result


def _pack(a: FloatArray, b: FloatArray) -> FloatArray:
    gaps = np.log(np.diff(b, axis=1))
    return np.column_stack([np.log(a), b[:, 0], gaps]).ravel()


def _unpack(params: FloatArray, n_items: int) -> tuple[FloatArray, FloatArray]:
    p = params.reshape(n_items, 1 + N_CATEGORIES - 1)
    a = np.exp(p[:, 0])
    b = np.cumsum(np.column_stack([p[:, 1], np.exp(p[:, 2:])]), axis=1)
    return a, b


def _objective(
    params: FloatArray, counts: FloatArray, nodes: FloatArray, total: float
) -> tuple[float, FloatArray]:
    """Negative expected complete-data log-likelihood (per respondent) and its gradient."""
    n_items = counts.shape[0]
    a, b = _unpack(params, n_items)
    log_p = log_category_probabilities(nodes, a, b)
    value = float(np.sum(counts * log_p))
    ratio = counts / np.exp(log_p)
    x = a[:, None, None] * (nodes[None, None, :] - b[:, :, None])
    slope = expit(x) * expit(-x)
    g = slope * (ratio[:, 1:, :] - ratio[:, :-1, :])
    d_a = np.sum(g * (nodes[None, None, :] - b[:, :, None]), axis=(1, 2))
    d_b = -a[:, None] * g.sum(axis=2)
    tail = np.cumsum(d_b[:, ::-1], axis=1)[:, ::-1]
    p = params.reshape(n_items, N_CATEGORIES)
    grad = np.column_stack([a * d_a, tail[:, 0], np.exp(p[:, 2:]) * tail[:, 1:]])
    return -value / total, -grad.ravel() / total


def _starting_values(categories: IntArray) -> tuple[FloatArray, FloatArray]:
    """Thresholds from observed cumulative proportions under a probit-like approximation."""
    n_items = categories.shape[1]
    a = np.full(n_items, 1.5)
    b = np.empty((n_items, N_CATEGORIES - 1))
    scale = np.sqrt(1.0 + 0.346 * a**2) / a
    for j in range(n_items):
        answered = categories[:, j][categories[:, j] != MISSING]
        at_least = np.array([(answered >= k).mean() for k in range(1, N_CATEGORIES)])
        b[j] = -logit(np.clip(at_least, 0.005, 0.995)) * scale[j]
    b = np.maximum.accumulate(b + np.arange(N_CATEGORIES - 1) * 1e-2, axis=1)
    return a, b


def _e_step(
    categories: IntArray, a: FloatArray, b: FloatArray, nodes: FloatArray, log_weights: FloatArray
) -> tuple[FloatArray, float]:
    """Posterior weights of each respondent on the nodes, and the marginal log-likelihood."""
    log_p = log_category_probabilities(nodes, a, b)
    table = np.concatenate([log_p, np.zeros((a.shape[0], 1, nodes.shape[0]))], axis=1)
    log_post = np.tile(log_weights, (categories.shape[0], 1))
    for j in range(categories.shape[1]):
        log_post += table[j][categories[:, j]]
    peak = log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post - peak)
    total = post.sum(axis=1, keepdims=True)
    log_likelihood = float(np.sum(peak) + np.sum(np.log(total)))
    return post / total, log_likelihood


def fit_grm(
    categories: IntArray,
    *,
    n_nodes: int = DEFAULT_NODES,
    max_iter: int = 1000,
    tol: float = 1e-5,
    start: tuple[FloatArray, FloatArray] | None = None,
) -> GrmFit:
    """Fit a GRM to keyed categories (n, items) with -1 for missing; rows may be any subset.

    Converged when no parameter moves more than ``tol`` in one EM cycle. Respondents who
    answered none of the items carry no information and are dropped.
    """
    categories = np.asarray(categories, dtype=np.int64)
    categories = categories[(categories != MISSING).any(axis=1)]
    n, n_items = categories.shape
    nodes, weights = quadrature(n_nodes)
    log_weights = np.log(weights)
    a, b = start if start is not None else _starting_values(categories)
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    one_hot = np.zeros((n, n_items * N_CATEGORIES))
    rows, cols = np.nonzero(categories != MISSING)
    one_hot[rows, cols * N_CATEGORIES + categories[rows, cols]] = 1.0
    params = _pack(a, b)
    converged = False
    change = np.inf
    iteration = 0
    for iteration in range(1, max_iter + 1):
        post, _ = _e_step(categories, a, b, nodes, log_weights)
        counts = (one_hot.T @ post).reshape(n_items, N_CATEGORIES, n_nodes)
        solution = minimize(
            _objective,
            params,
            args=(counts, nodes, float(n)),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 200, "gtol": 1e-9, "ftol": 1e-13},
        )
        params = np.asarray(solution.x, dtype=np.float64)
        new_a, new_b = _unpack(params, n_items)
        change = float(max(np.max(np.abs(new_a - a)), np.max(np.abs(new_b - b))))
        a, b = new_a, new_b
        if change < tol:
            converged = True
            break
    post, log_likelihood = _e_step(categories, a, b, nodes, log_weights)
    eap = post @ nodes
    psd = np.sqrt(np.maximum(post @ nodes**2 - eap**2, 0.0))
    return GrmFit(
        a=a,
        b=b,
        log_likelihood=log_likelihood,
        iterations=iteration,
        converged=converged,
        max_change=change,
        n_respondents=n,
        nodes=nodes,
        weights=weights,
        eap=eap,
        psd=psd,
        category_counts=one_hot.sum(axis=0).reshape(n_items, N_CATEGORIES),
    )
