"""Marginal maximum likelihood calibration of the graded response model (Bock-Aitkin EM).

One unidimensional GRM is fitted per ECR dimension with a fixed N(0, 1) latent prior on a fixed
grid of equally spaced quadrature nodes. Unanswered items (coded -1 here, 0 in the raw file) are
skipped in the likelihood rather than imputed, which is valid under missing-at-random.

The E-step is vectorised over respondents and nodes; the M-step maximises each item's expected
complete-data log-likelihood by Fisher scoring (all items' 5 x 5 systems solved together), with
step halving to keep ``a > 0`` and the thresholds ordered. Sums use ``einsum`` rather than BLAS
matrix products: on a busy machine multithreaded BLAS slowed the fit 30-fold, and a fixed
summation order keeps the output identical whatever the thread count. There is no randomness,
so the same input gives the same output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
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


def _item_log_likelihood(
    counts: FloatArray, nodes: FloatArray, a: FloatArray, b: FloatArray
) -> FloatArray:
    """Expected complete-data log-likelihood of each item, shape (items,)."""
    result: FloatArray = np.sum(counts * log_category_probabilities(nodes, a, b), axis=(1, 2))
    return result


def _fisher_step(
    counts: FloatArray, nodes: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Fisher-scoring direction for (a, b_1..b_4) of every item, shapes (items,), (items, 4).

    With ``r_cq`` the expected count of category c at node q, the gradient is
    ``sum_cq r_cq / P_cq * dP_cq`` and the expected information is
    ``sum_q n_q sum_c dP_cq dP_cq^T / P_cq`` with ``n_q = sum_c r_cq``. Each item's 5 x 5
    system is solved separately (the items' M-step problems are independent).
    """
    n_items, n_nodes = a.shape[0], nodes.shape[0]
    probabilities = np.exp(log_category_probabilities(nodes, a, b))
    distance = nodes[None, None, :] - b[:, :, None]
    x = a[:, None, None] * distance
    slope = expit(x) * expit(-x)
    boundary = np.zeros((n_items, N_CATEGORIES + 1, N_CATEGORIES, n_nodes))
    boundary[:, 1:-1, 0, :] = slope * distance
    for k in range(N_CATEGORIES - 1):
        boundary[:, k + 1, k + 1, :] = -a[:, None] * slope[:, k, :]
    gradient_p = boundary[:, :-1] - boundary[:, 1:]
    gradient = np.einsum("jcq,jcpq->jp", counts / probabilities, gradient_p)
    weight = counts.sum(axis=1)[:, None, :] / probabilities
    information = np.einsum("jcq,jcpq,jcrq->jpr", weight, gradient_p, gradient_p)
    step = np.linalg.solve(information, gradient[:, :, None])[:, :, 0]
    return step[:, 0], step[:, 1:]


def _m_step(
    counts: FloatArray, nodes: FloatArray, a: FloatArray, b: FloatArray, max_steps: int = 10
) -> tuple[FloatArray, FloatArray]:
    """Maximise each item's expected log-likelihood by Fisher scoring with step halving.

    A step is halved until it keeps ``a > 0`` and the thresholds ordered and does not lower
    the item's objective; items are handled independently but vectorised together.
    """
    current = _item_log_likelihood(counts, nodes, a, b)
    for _ in range(max_steps):
        step_a, step_b = _fisher_step(counts, nodes, a, b)
        scale = np.ones_like(a)
        accepted = np.zeros(a.shape, dtype=bool)
        for _ in range(30):
            new_a = a + scale * step_a
            new_b = b + scale[:, None] * step_b
            valid = (new_a > 0) & np.all(np.diff(new_b, axis=1) > 0, axis=1)
            safe_a = np.where(valid, new_a, a)
            safe_b = np.where(valid[:, None], new_b, b)
            value = _item_log_likelihood(counts, nodes, safe_a, safe_b)
            improved = valid & (value >= current - 1e-12 * np.abs(current))
            accepted |= improved
            a = np.where(improved, safe_a, a)
            b = np.where(improved[:, None], safe_b, b)
            current = np.where(improved, value, current)
            scale = np.where(accepted, scale, scale / 2)
            if accepted.all():
                break
        if max(np.max(np.abs(scale * step_a)), np.max(np.abs(scale[:, None] * step_b))) < 1e-9:
            break
    return a, b


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
    converged = False
    change = np.inf
    iteration = 0
    while iteration < max_iter and not converged:
        iteration += 1
        post, _ = _e_step(categories, a, b, nodes, log_weights)
        counts = np.einsum("ic,iq->cq", one_hot, post).reshape(n_items, N_CATEGORIES, n_nodes)
        new_a, new_b = _m_step(counts, nodes, a, b)
        change = float(max(np.max(np.abs(new_a - a)), np.max(np.abs(new_b - b))))
        a, b = new_a, new_b
        converged = change < tol
    post, log_likelihood = _e_step(categories, a, b, nodes, log_weights)
    eap = np.einsum("iq,q->i", post, nodes)
    psd = np.sqrt(np.maximum(np.einsum("iq,q->i", post, nodes**2) - eap**2, 0.0))
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
