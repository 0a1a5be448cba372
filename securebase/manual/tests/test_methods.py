"""The manual's own estimators recover known truths on simulated data.

Polychoric correlations are computed by our two-step estimator (no maintained library works
with the current SciPy), the Schmid-Leiman omegas by a short transformation of a library EFA,
and DIF by statsmodels; each is checked here against data whose answer is known.
"""

from __future__ import annotations

import numpy as np
import pytest

from securebase.manual.structure import _thresholds, polychoric_pair


def _discretise(latent: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    return np.searchsorted(np.asarray(cuts), latent).astype(np.int64)


@pytest.mark.parametrize("rho", [-0.3, 0.0, 0.6])
def test_polychoric_recovers_the_latent_correlation(rho):
    rng = np.random.default_rng(7)
    latent = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=20_000)
    x = _discretise(latent[:, 0], (-1.5, -0.5, 0.3, 1.2))
    y = _discretise(latent[:, 1], (-1.0, 0.0, 0.8, 1.8))
    estimate = polychoric_pair(x, y, _thresholds(x), _thresholds(y))
    assert estimate == pytest.approx(rho, abs=0.02)
    pearson = np.corrcoef(x, y)[0, 1]
    if rho:
        assert abs(estimate) > abs(pearson)  # categorisation attenuates Pearson, not polychoric


def test_schmid_leiman_recovers_omega_hierarchical_of_a_known_bifactor():
    pytest.importorskip("factor_analyzer")
    from securebase.manual.structure import schmid_leiman

    general = np.full(18, 0.6)
    specific = np.zeros((18, 3))
    for k in range(3):
        specific[6 * k : 6 * k + 6, k] = 0.45
    loadings = np.column_stack([general, specific])
    unique = 1 - (loadings**2).sum(axis=1)
    correlation = loadings @ loadings.T + np.diag(unique)
    total = general.sum() ** 2 + (specific.sum(axis=0) ** 2).sum() + unique.sum()
    result = schmid_leiman(correlation, list(range(1, 19)))
    assert result["omega_hierarchical"] == pytest.approx(general.sum() ** 2 / total, abs=0.01)
    expected_ecv = (general**2).sum() / ((general**2).sum() + (specific**2).sum())
    assert result["ecv"] == pytest.approx(expected_ecv, abs=0.01)
    assert sorted(map(sorted, result["specific_groups"])) == [
        list(range(1, 7)),
        list(range(7, 13)),
        list(range(13, 19)),
    ]


def test_dif_flags_a_shifted_item_and_not_a_fair_one():
    pytest.importorskip("statsmodels")
    from securebase.manual.dif import NAGELKERKE_MODERATE, item_dif

    rng = np.random.default_rng(11)
    n = 6_000
    theta = rng.standard_normal(n)
    group = (rng.random(n) < 0.5).astype(float)
    cuts = (-1.5, -0.5, 0.5, 1.5)

    def answers(shift: float) -> np.ndarray:
        latent = 1.7 * theta + shift * group + rng.logistic(size=n)
        return _discretise(latent, tuple(1.7 * c for c in cuts)) + 1

    fair, _ = item_dif(answers(0.0), theta, group)
    biased, _ = item_dif(answers(2.5), theta, group)
    assert not fair["flag"] and fair["delta_nagelkerke"] < 0.01
    assert biased["flag"] and biased["delta_nagelkerke"] >= NAGELKERKE_MODERATE
    assert biased["matched_difference_sd"] > 0.3
