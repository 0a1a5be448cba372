"""Properties of the graded response model functions."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from securebase.psychometrics.grm import (
    category_probabilities,
    expected_score,
    item_information,
    log_category_probabilities,
    simulate_categories,
)

discrimination = st.floats(0.3, 4.0)
theta_values = st.floats(-6.0, 6.0)


@st.composite
def thresholds(draw: st.DrawFn) -> np.ndarray:
    start = draw(st.floats(-3.0, 1.5))
    gaps = draw(st.lists(st.floats(0.05, 1.5), min_size=3, max_size=3))
    return np.cumsum([start, *gaps])


@given(a=discrimination, b=thresholds(), theta=theta_values)
def test_category_probabilities_are_a_distribution(a: float, b: np.ndarray, theta: float) -> None:
    p = category_probabilities(np.array([theta]), np.array([a]), b[None, :])[0, :, 0]
    assert np.all(p > 0) and np.all(p < 1)
    assert abs(p.sum() - 1.0) < 1e-12
    assert np.all(
        np.isfinite(log_category_probabilities(np.array([theta]), np.array([a]), b[None, :]))
    )


@given(a=discrimination, b=thresholds(), theta=st.floats(-4.0, 4.0))
def test_information_is_positive_and_matches_numerical_derivative(
    a: float, b: np.ndarray, theta: float
) -> None:
    a_arr, b_arr = np.array([a]), b[None, :]
    info = item_information(np.array([theta]), a_arr, b_arr)[0, 0]
    h = 1e-5
    p = category_probabilities(np.array([theta - h, theta, theta + h]), a_arr, b_arr)[0]
    derivative = (p[:, 2] - p[:, 0]) / (2 * h)
    numerical = float(np.sum(derivative**2 / p[:, 1]))
    assert info > 0
    assert np.isclose(info, numerical, rtol=1e-5, atol=1e-10)


@given(a=discrimination, b=thresholds())
def test_expected_score_increases_from_1_to_5(a: float, b: np.ndarray) -> None:
    grid = np.linspace(-6, 6, 61)
    curve = expected_score(grid, np.array([a]), b[None, :])[0]
    assert np.all(np.diff(curve) > 0)
    assert np.all((curve > 1) & (curve < 5))


def test_information_of_one_category_item_is_the_2pl_formula_limit() -> None:
    """Far apart outer thresholds leave a dichotomous item: I = a^2 P (1 - P) at b_2 = b_3."""
    a, b = np.array([1.7]), np.array([[-40.0, 0.2, 0.2 + 1e-9, 40.0]])
    theta = np.array([0.5])
    p = 1 / (1 + np.exp(-1.7 * (0.5 - 0.2)))
    assert np.isclose(item_information(theta, a, b)[0, 0], 1.7**2 * p * (1 - p), rtol=1e-6)


def test_simulated_categories_follow_the_model() -> None:
    rng = np.random.default_rng(0)
    a, b = np.array([1.5]), np.array([[-1.0, 0.0, 0.5, 1.5]])
    theta = np.full(200_000, 0.3)
    draws = simulate_categories(theta, a, b, rng)[:, 0]
    observed = np.bincount(draws, minlength=5) / draws.size
    expected = category_probabilities(np.array([0.3]), a, b)[0, :, 0]
    assert np.allclose(observed, expected, atol=0.004)


@settings(max_examples=25)
@given(a=discrimination, b=thresholds(), theta=theta_values)
def test_information_equals_expected_squared_score(a: float, b: np.ndarray, theta: float) -> None:
    """Fisher information is the variance of the score d log P / d theta."""
    a_arr, b_arr = np.array([a]), b[None, :]
    h = 1e-5
    log_p = log_category_probabilities(np.array([theta - h, theta + h]), a_arr, b_arr)[0]
    p = category_probabilities(np.array([theta]), a_arr, b_arr)[0, :, 0]
    score = (log_p[:, 1] - log_p[:, 0]) / (2 * h)
    info = item_information(np.array([theta]), a_arr, b_arr)[0, 0]
    assert np.isclose(info, float(np.sum(p * score**2)), rtol=1e-4, atol=1e-10)
