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


def _higher_order_model(cross_loading: float = 0.0):
    """An oblique three-factor model whose factors share one general factor, and its answers.

    Items 1-10 load .45 on factor 1, items 11-15 .60 on factor 2, items 16-18 .75 on factor 3,
    and the factors load .50, .70 and .85 on the general factor, so the factor correlations are
    their products; items 1, 11 and 16 may also load ``cross_loading`` on the next factor.
    Factors of unequal size and strength are what a library that sorts factors by explained
    variance has to reorder (factor-analyzer 0.5.1 then leaves ``phi_`` in the old order).
    Everything the Schmid-Leiman transformation should give follows by hand: general loadings
    ``L g``, specific loadings ``L sqrt(1 - g^2)``, communalities ``diag(L Phi L')``, and the
    omegas from the sum of the correlation matrix.
    """
    pattern = np.zeros((18, 3))
    for k, (first, last, loading) in enumerate(((0, 10, 0.45), (10, 15, 0.60), (15, 18, 0.75))):
        pattern[first:last, k] = loading
        pattern[first, (k + 1) % 3] = cross_loading
    g = np.array([0.50, 0.70, 0.85])
    phi = np.outer(g, g)
    np.fill_diagonal(phi, 1.0)
    common = pattern @ phi @ pattern.T
    communalities = np.diag(common).copy()
    correlation = common + np.diag(1.0 - communalities)
    general = pattern @ g
    specific = pattern * np.sqrt(1.0 - g**2)
    total = correlation.sum()
    expected = {
        "omega_total": (total - (1.0 - communalities).sum()) / total,
        "omega_hierarchical": general.sum() ** 2 / total,
        "ecv": (general**2).sum() / ((general**2).sum() + (specific**2).sum()),
        "general": general,
    }
    return correlation, expected, pattern


def test_schmid_leiman_matches_a_hand_derived_higher_order_model():
    pytest.importorskip("factor_analyzer")
    from securebase.manual.structure import schmid_leiman

    correlation, expected, _ = _higher_order_model()
    result = schmid_leiman(correlation, list(range(1, 19)))
    assert result["omega_total"] == pytest.approx(expected["omega_total"], abs=0.002)
    assert result["omega_hierarchical"] == pytest.approx(expected["omega_hierarchical"], abs=0.002)
    assert result["ecv"] == pytest.approx(expected["ecv"], abs=0.002)
    general = np.array([result["general_loadings"][str(n)] for n in range(1, 19)])
    np.testing.assert_allclose(general, expected["general"], atol=0.002)
    assert result["specific_groups"] == [
        list(range(1, 11)),
        list(range(11, 16)),
        list(range(16, 19)),
    ]


def test_omega_total_counts_what_correlated_factors_share():
    """With cross-loadings the communality is diag(L Phi L'), not the squared pattern loadings.

    Omega total does not depend on the rotation, so it is known exactly for this model.
    """
    pytest.importorskip("factor_analyzer")
    from securebase.manual.structure import schmid_leiman

    correlation, expected, pattern = _higher_order_model(cross_loading=0.35)
    result = schmid_leiman(correlation, list(range(1, 19)))
    assert result["omega_total"] == pytest.approx(expected["omega_total"], abs=0.002)
    # The test can fail: squared pattern loadings as communalities give another omega total.
    wrong_uniqueness = 1.0 - (pattern**2).sum(axis=1)
    wrong = (correlation.sum() - wrong_uniqueness.sum()) / correlation.sum()
    assert abs(wrong - expected["omega_total"]) > 0.005


def test_communalities_agree_with_the_structure_matrix_of_factor_analyzer():
    """Our communalities against the library's own oblique solution: rows of pattern x structure.

    ``FactorAnalyzer(rotation="oblimin")`` defines the structure matrix ``S = L Phi``, so the
    variance the factors explain is the row sum of ``L * S``; it must equal ours.
    """
    pytest.importorskip("factor_analyzer")
    from factor_analyzer import FactorAnalyzer

    from securebase.manual.structure import SPECIFIC_FACTORS, _oblique_solution

    correlation, _, _ = _higher_order_model(cross_loading=0.35)
    pattern, phi, communalities = _oblique_solution(correlation, SPECIFIC_FACTORS)
    library = FactorAnalyzer(
        n_factors=SPECIFIC_FACTORS, rotation="oblimin", method="minres", is_corr_matrix=True
    ).fit(correlation)
    from_structure = (library.loadings_ * library.structure_).sum(axis=1)
    np.testing.assert_allclose(communalities, from_structure, atol=1e-4)
    np.testing.assert_allclose(np.diag(pattern @ phi @ pattern.T), communalities, atol=1e-4)
    assert np.abs((library.loadings_**2).sum(axis=1) - communalities).max() > 0.02


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
