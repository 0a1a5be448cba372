"""S-X2 item fit and the Lord-Wingersky recursion behind it."""

from __future__ import annotations

import itertools

import numpy as np

from securebase.psychometrics.calibration import fit_grm, quadrature
from securebase.psychometrics.grm import category_probabilities, simulate_categories
from securebase.psychometrics.itemfit import s_x2, summed_score_distribution


def test_summed_score_distribution_matches_enumeration() -> None:
    nodes = np.array([-1.0, 0.0, 1.5])
    a, b = np.array([1.2, 2.0, 0.7]), np.array([[-1, 0, 1, 2], [-2, -1, 0, 0.5], [0, 1, 1.5, 3.0]])
    p = category_probabilities(nodes, a, b)
    expected = np.zeros((3, 13))
    for pattern in itertools.product(range(5), repeat=3):
        expected[:, sum(pattern)] += np.prod([p[j, c] for j, c in enumerate(pattern)], axis=0)
    assert np.allclose(summed_score_distribution(p), expected)
    assert np.allclose(summed_score_distribution(p).sum(axis=1), 1.0)


def test_s_x2_accepts_data_that_follow_the_model() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(0.8, 3.0, 10)
    b = np.cumsum(np.column_stack([rng.uniform(-2, 0, 10), rng.uniform(0.3, 1.2, (10, 3))]), axis=1)
    categories = simulate_categories(rng.standard_normal(4000), a, b, rng)
    fit = fit_grm(categories)
    fits = s_x2(categories, fit.a, fit.b, *quadrature())
    assert np.median([f.p_value for f in fits]) > 0.1
    assert max(f.rmsea for f in fits) < 0.015
    assert all(f.df > 0 and f.s_x2 > 0 for f in fits)


def test_s_x2_flags_an_item_that_does_not_follow_the_model() -> None:
    rng = np.random.default_rng(4)
    a, b = np.full(8, 1.8), np.tile([-1.5, -0.5, 0.5, 1.5], (8, 1))
    theta = rng.standard_normal(4000)
    categories = simulate_categories(theta, a, b, rng)
    categories[:, 0] = simulate_categories(theta**2 - 1, a[:1], b[:1], rng)[:, 0]  # U-shaped item
    fit = fit_grm(categories)
    fits = s_x2(categories, fit.a, fit.b, *quadrature())
    assert fits[0].p_value < 1e-6
    assert fits[0].rmsea == max(f.rmsea for f in fits)
