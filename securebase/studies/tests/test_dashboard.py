"""The dashboard's statistics on cases with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from securebase.studies.charts import for_dashboard
from securebase.studies.dashboard import (
    Dashboard,
    Share,
    cronbach_alpha,
    marginal_reliability,
    wilson,
)


def test_wilson_interval_matches_the_closed_form_and_stays_in_range() -> None:
    low, high = wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_alpha_of_identical_items_is_one_and_of_noise_near_zero() -> None:
    rng = np.random.default_rng(3)
    column = rng.integers(1, 6, size=(200, 1)).astype(float)
    assert cronbach_alpha(np.repeat(column, 6, axis=1)) == pytest.approx(1.0)
    noise = rng.integers(1, 6, size=(5000, 18)).astype(float)
    assert abs(cronbach_alpha(noise) or 0.0) < 0.05
    assert cronbach_alpha(noise[:2]) is None


def test_alpha_equals_the_spearman_brown_of_the_mean_inter_item_correlation() -> None:
    """For standardised items, alpha is k r / (1 + (k - 1) r) with r the mean correlation."""
    rng = np.random.default_rng(4)
    common = rng.normal(size=(4000, 1))
    items = common + rng.normal(size=(4000, 8))
    items = (items - items.mean(axis=0)) / items.std(axis=0, ddof=1)
    r = (np.corrcoef(items, rowvar=False).sum() - 8) / (8 * 7)
    assert cronbach_alpha(items) == pytest.approx(8 * r / (1 + 7 * r), abs=1e-9)


def test_marginal_reliability_is_the_share_of_true_variance() -> None:
    rng = np.random.default_rng(5)
    true = rng.normal(size=20_000)
    se = np.full(true.size, 0.5)
    estimates = true * (1 / (1 + 0.25)) + rng.normal(scale=0.4, size=true.size)
    value = marginal_reliability(estimates, se)
    expected = estimates.var(ddof=1) / (estimates.var(ddof=1) + 0.25)
    assert value == pytest.approx(expected)
    assert marginal_reliability(estimates[:2], se[:2]) is None


def test_plots_describe_themselves_for_screen_readers() -> None:
    figures = Dashboard(
        participants=4,
        completed=3,
        target=10,
        by_day=[],
        reached=[4] * 6 + [3] * 30,
        minutes_median=None,
        minutes_quartiles=None,
        styles=[Share(name, count, 3) for name, count in zip("ABCD", (1, 1, 1, 0), strict=True)],
        percentiles={"anxiety": [3] + [0] * 9, "avoidance": [0] * 9 + [3]},
        reliability={},
        flagged=Share("Flagged answers", 0, 3),
        changes=[],
    )
    plots = for_dashboard(figures)
    assert plots[0].title == "Completions over time"
    assert "all answered at least 6 statements" in plots[1].summary
    assert "0 to 10: 100%" in plots[3].summary
