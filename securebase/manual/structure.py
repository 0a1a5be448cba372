"""Dimensionality and reliability under the factor model (chapters 5 and 6).

- **Polychoric correlations** (two-step maximum likelihood: thresholds from the margins, then
  the correlation of the bivariate normal whose rectangle probabilities best reproduce the 5 x 5
  table). No maintained Python library computes them with the current SciPy (semopy's
  ``polychoric_corr`` calls the removed ``scipy.stats.mvn``), so the two-step estimator is
  written here; the bivariate normal probabilities come from SciPy.
- **Parallel analysis** (Horn, 1965): eigenvalues of the observed Pearson correlations against
  the 95th percentile of those of random normal data of the same size, seeded.
- **Two-factor CFA** with semopy (Wishart ML on the polychoric matrix), fit indices from
  ``semopy.calc_stats``.
- **Bifactor by Schmid-Leiman** (as R's ``psych::omega``): a 3-factor oblimin EFA of each
  dimension's polychoric matrix with factor_analyzer, a one-factor solution of the factor
  correlations, and the orthogonalised general and specific loadings; omega total,
  omega-hierarchical and the explained common variance (ECV) follow from the loadings. On
  polychoric correlations the omegas describe the sum of the continuous *latent responses*
  behind the answers; the same computation on the Pearson correlations of the answers gives
  the omegas of the *observed* summed score, the ones comparable with Cronbach's alpha.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.stats import multivariate_normal, norm

from securebase.manual.bank_facts import r
from securebase.manual.descriptive import dimension_columns, keyed_matrix
from securebase.manual.source import Inputs
from securebase.psychometrics.norms import DIMENSIONS

SEED = 20180301
PARALLEL_REPLICATIONS = 20
SPECIFIC_FACTORS = 3
_BOUND = 8.0


def _thresholds(x: NDArray[np.int64]) -> NDArray[np.float64]:
    counts = np.bincount(x, minlength=5)
    cumulative = np.cumsum(counts)[:-1] / x.size
    inner = norm.ppf(np.clip(cumulative, 1e-6, 1 - 1e-6))
    return np.concatenate([[-_BOUND], inner, [_BOUND]])


def polychoric_pair(
    x: NDArray[np.int64], y: NDArray[np.int64], tx: NDArray[np.float64], ty: NDArray[np.float64]
) -> float:
    """Two-step ML polychoric correlation of two 0..4 coded items with given thresholds."""
    table = np.bincount(x * 5 + y, minlength=25).reshape(5, 5).astype(np.float64)
    corners = np.array([[h, k] for h in tx for k in ty])

    def negative_log_likelihood(rho: float) -> float:
        cdf = multivariate_normal(mean=[0.0, 0.0], cov=[[1.0, rho], [rho, 1.0]]).cdf(corners)
        grid = cdf.reshape(6, 6)
        cells = grid[1:, 1:] - grid[:-1, 1:] - grid[1:, :-1] + grid[:-1, :-1]
        return float(-np.sum(table * np.log(np.maximum(cells, 1e-300))))

    result = minimize_scalar(
        negative_log_likelihood, bounds=(-0.995, 0.995), method="bounded", options={"xatol": 1e-5}
    )
    return float(result.x)


def polychoric_matrix(keyed: NDArray[np.float64]) -> NDArray[np.float64]:
    """Polychoric correlations of complete rows of keyed answers 1..5, shape (items, items)."""
    codes = keyed.astype(np.int64) - 1
    k = codes.shape[1]
    thresholds = [_thresholds(codes[:, j]) for j in range(k)]
    matrix = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            value = polychoric_pair(codes[:, i], codes[:, j], thresholds[i], thresholds[j])
            matrix[i, j] = matrix[j, i] = value
    return matrix


def parallel_analysis(
    keyed: NDArray[np.float64], replications: int = PARALLEL_REPLICATIONS
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """Observed Pearson eigenvalues and the 95th percentile of random-data eigenvalues."""
    observed = np.sort(np.linalg.eigvalsh(np.corrcoef(keyed, rowvar=False)))[::-1]
    rng = np.random.default_rng(SEED)
    random = np.empty((replications, keyed.shape[1]))
    for rep in range(replications):
        noise = rng.standard_normal(keyed.shape)
        random[rep] = np.sort(np.linalg.eigvalsh(np.corrcoef(noise, rowvar=False)))[::-1]
    threshold = np.percentile(random, 95, axis=0)
    retained = int(np.argmax(observed <= threshold)) if (observed <= threshold).any() else 0
    return observed, threshold, retained


def _names(numbers: list[int]) -> list[str]:
    return [f"Q{number}" for number in numbers]


def two_factor_cfa(polychoric: NDArray[np.float64], inputs: Inputs, n: int) -> dict[str, Any]:
    """Two correlated factors, each item on its own dimension; semopy ML on the polychorics."""
    import pandas as pd
    import semopy

    numbers = list(range(1, 37))
    names = _names(numbers)
    lines = []
    for dimension in DIMENSIONS:
        items = [item.number for item in inputs.bank.dimension_items(dimension)]
        lines.append(f"{dimension} =~ " + " + ".join(_names(items)))
    lines.append("anxiety ~~ avoidance")
    model = semopy.Model("\n".join(lines))
    frame = pd.DataFrame(polychoric, index=names, columns=names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(cov=frame, n_samples=n, obj="MLW")
        stats = semopy.calc_stats(model).T.iloc[:, 0]
        estimates = model.inspect(std_est=True)
    loadings = estimates[(estimates["op"] == "~") & estimates["rval"].isin(DIMENSIONS)]
    correlation = estimates[(estimates["op"] == "~~") & (estimates["lval"] == "anxiety")]
    correlation = correlation[correlation["rval"] == "avoidance"]
    standardized = {int(row.lval[1:]): r(row["Est. Std"]) for _, row in loadings.iterrows()}
    return {
        "estimator": "Wishart maximum likelihood (semopy MLW) on the polychoric matrix",
        "n": n,
        "chi2": r(stats["chi2"], 1),
        "dof": int(stats["DoF"]),
        "cfi": r(stats["CFI"]),
        "tli": r(stats["TLI"]),
        "rmsea": r(stats["RMSEA"]),
        "factor_correlation": r(correlation["Est. Std"].iloc[0]),
        "loadings": {str(k): standardized[k] for k in sorted(standardized)},
        "loading_min": r(min(standardized.values()), 2),
        "loading_max": r(max(standardized.values()), 2),
    }


def _oblique_solution(
    correlation: NDArray[np.float64], n_factors: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Oblimin pattern, factor correlations and communalities of a minres EFA.

    The communality of an item is the variance its factors explain, ``diag(L Phi L')`` for a
    pattern ``L`` with factor correlations ``Phi``; under an oblique rotation this is not the
    sum of the squared pattern loadings. It equals the sum of the squared *unrotated*
    loadings (a rotation moves variance between factors, not into or out of them), which is
    what is returned, as in ``psych::schmid``. The unrotated solution is rotated here with
    factor_analyzer's ``Rotator`` rather than by ``FactorAnalyzer(rotation="oblimin")``,
    because the latter reorders the pattern's columns by explained variance without reordering
    ``phi_`` (factor-analyzer 0.5.1), so its pattern and factor correlations can disagree.
    """
    from factor_analyzer import FactorAnalyzer, Rotator

    unrotated = FactorAnalyzer(
        n_factors=n_factors, rotation=None, method="minres", is_corr_matrix=True
    )
    unrotated.fit(correlation)
    communalities = np.asarray(unrotated.get_communalities())
    rotator = Rotator(method="oblimin")
    pattern = rotator.fit_transform(unrotated.loadings_)
    signs = np.sign(pattern.sum(axis=0))
    signs[signs == 0] = 1.0
    pattern = pattern * signs[None, :]
    phi = rotator.phi_ * np.outer(signs, signs)
    return pattern, phi, communalities


def schmid_leiman(correlation: NDArray[np.float64], numbers: list[int]) -> dict[str, Any]:
    """Schmid-Leiman bifactor of one dimension: omega total, omega-h, ECV, loadings.

    As ``psych::omega``: a three-factor oblimin EFA, a one-factor solution of its factor
    correlations, general loadings ``L g`` and specific loadings ``L diag(sqrt(1 - g^2))``;
    the uniquenesses are one minus the communalities of the EFA, and both omegas divide by
    the variance of the unit-weighted sum, the sum of all entries of the correlation matrix.
    Omega total is the share of that variance the factors explain, omega-hierarchical the
    share the general factor explains.
    """
    from factor_analyzer import FactorAnalyzer

    pattern, phi, communalities = _oblique_solution(correlation, SPECIFIC_FACTORS)
    second = FactorAnalyzer(n_factors=1, rotation=None, method="minres", is_corr_matrix=True)
    second.fit(phi)
    g = second.loadings_[:, 0]
    g = g * np.sign(g.sum())
    general = pattern @ g
    general *= np.sign(general.sum())
    specific = pattern * np.sqrt(np.clip(1.0 - g**2, 0.0, None))[None, :]
    uniqueness = 1.0 - communalities
    total = float(np.sum(correlation))
    omega_t = (total - uniqueness.sum()) / total
    omega_h = general.sum() ** 2 / total
    ecv = np.sum(general**2) / (np.sum(general**2) + np.sum(specific**2))
    groups: dict[int, list[int]] = {}
    for j, number in enumerate(numbers):
        groups.setdefault(int(np.argmax(np.abs(specific[j]))), []).append(number)
    return {
        "omega_total": r(omega_t),
        "omega_hierarchical": r(omega_h),
        "omega_h_share": r(omega_h / omega_t),
        "ecv": r(ecv),
        "general_loadings": {str(n): r(v) for n, v in zip(numbers, general, strict=True)},
        "specific_groups": sorted(groups.values()),
    }


def structure(inputs: Inputs) -> dict[str, Any]:
    """Numbers of the dimensionality chapter (the scree figure is drawn from them)."""
    keyed = keyed_matrix(inputs.bank, inputs.data.responses)
    complete = keyed[~np.isnan(keyed).any(axis=1)]
    observed, threshold, retained = parallel_analysis(complete)
    polychoric = polychoric_matrix(complete)
    within: dict[str, Any] = {}
    for dimension in DIMENSIONS:
        columns = dimension_columns(inputs.bank, dimension)
        block_eigen = np.sort(np.linalg.eigvalsh(np.corrcoef(complete[:, columns], rowvar=False)))
        numbers = [c + 1 for c in columns]
        pearson = np.asarray(np.corrcoef(complete[:, columns], rowvar=False), dtype=np.float64)
        observed_scores = schmid_leiman(pearson, numbers)
        within[dimension] = {
            "pearson_eigenvalues": [r(v, 2) for v in block_eigen[::-1][:5]],
            "bifactor": schmid_leiman(polychoric[np.ix_(columns, columns)], numbers),
            "bifactor_observed": {
                key: observed_scores[key] for key in ("omega_total", "omega_hierarchical")
            },
        }
    polychoric_eigen = np.sort(np.linalg.eigvalsh(polychoric))[::-1]
    facts: dict[str, Any] = {
        "n_complete": len(complete),
        "pearson_eigenvalues": [r(v, 2) for v in observed[:8]],
        "random_95th": [r(v, 3) for v in threshold[:8]],
        "parallel_replications": PARALLEL_REPLICATIONS,
        "factors_retained": retained,
        "polychoric_eigenvalues": [r(v, 2) for v in polychoric_eigen[:5]],
        "cfa": two_factor_cfa(polychoric, inputs, len(complete)),
        "within": within,
    }
    facts["scree"] = {
        "observed": [r(v) for v in observed[:12]],
        "random_95th": [r(v) for v in threshold[:12]],
    }
    return facts
