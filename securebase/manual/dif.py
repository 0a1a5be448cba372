"""Differential item functioning by ordinal logistic regression (chapter 8).

Method (fixed before looking at the results, as in ``lordif``; Choi, Gibbons & Crane, 2011):
for every item and every group contrast, three cumulative-logit models of the keyed answer are
fitted with statsmodels' ``OrderedModel``, matching on the person's full-form EAP theta of that
dimension from the shipped bank:

    M1: theta            M2: theta + group            M3: theta + group + theta x group

The change in pseudo-R-squared from M1 to M3 is the effect size (Nagelkerke, with the thresholds
of Jodoin & Gierl, 2001: below .035 negligible, .035 to .070 moderate, .070 and above large; and
McFadden, with lordif's .02 as a second opinion). An item is **flagged** when the 2-df
likelihood-ratio test of M3 against M1 has p < .01 **and** Nagelkerke's change is at least .035.
With tens of thousands of people almost every test is significant, which is why the effect size
decides. The matched standardized difference (focal minus reference item mean at the same
theta, pooled within theta deciles, over the item's SD) says in plain units how large the
difference is.

Differential test functioning: M3's expected item scores for a focal-group person and for the
same theta in the reference group, summed over the dimension's items and averaged over the
focal group, give the expected raw-score difference at equal theta, reported in points and in
SD units of the raw total. Purification (re-matching without flagged items) is not done.
The models are fitted on a fixed random sample of at most :data:`SAMPLE_PER_GROUP` people per
group (seeded), which keeps ``make manual`` within its time budget; the impact (difference in
mean theta) uses everybody.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from securebase.manual.bank_facts import r
from securebase.manual.descriptive import dimension_columns, keyed_matrix
from securebase.manual.source import Inputs
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import scorer_for

NAGELKERKE_MODERATE = 0.035
NAGELKERKE_LARGE = 0.070
MCFADDEN_LORDIF = 0.02
ALPHA = 0.01
#: People per group in each contrast (a fixed random sample, seeded): effect sizes do not
#: depend on n, and the models are fitted 3 x 36 times per contrast.
SAMPLE_PER_GROUP = 6000
SEED = 20180301
#: Group contrasts: name, reference label, focal label. The 13-17 year olds are compared with
#: the youngest adults because they take part in the item calibration but not in the norms:
#: their answers may shape the item parameters only if the items work for them as for adults.
CONTRASTS = (
    ("gender", "men", "women"),
    ("age", "aged 18-24", "aged 35 and over"),
    ("under 18", "aged 18-24", "aged 13-17"),
)


def sample_groups(group: NDArray[np.float64], seed: int = SEED) -> NDArray[np.float64]:
    """Keep at most :data:`SAMPLE_PER_GROUP` people of each group (seeded), NaN for the rest."""
    rng = np.random.default_rng(seed)
    kept = np.full_like(group, np.nan)
    for value in (0.0, 1.0):
        members = np.flatnonzero(group == value)
        if members.size > SAMPLE_PER_GROUP:
            members = np.sort(rng.choice(members, SAMPLE_PER_GROUP, replace=False))
        kept[members] = value
    return kept


def contrast_groups(inputs: Inputs, name: str) -> NDArray[np.float64]:
    """1 for the focal group, 0 for the reference group, NaN for everyone else."""
    data = inputs.data
    group = np.full(data.n, np.nan)
    if name == "gender":
        group[data.gender == "male"] = 0.0
        group[data.gender == "female"] = 1.0
    elif name == "age":
        group[(data.age >= 18) & (data.age <= 24)] = 0.0
        group[data.age >= 35] = 1.0
    elif name == "under 18":
        group[(data.age >= 18) & (data.age <= 24)] = 0.0
        group[(data.age >= 13) & (data.age <= 17)] = 1.0
    else:
        raise ValueError(f"unknown DIF contrast {name!r}")
    return group


def _fit(y: NDArray[np.int64], x: NDArray[np.float64], start: NDArray[np.float64] | None) -> Any:
    """Cumulative-logit fit; nested models start from the smaller model's estimates.

    The smaller model is the larger one with its extra terms at zero, so its estimates are
    a start near the larger model's optimum.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return OrderedModel(y, x, distr="logit").fit(
            method="bfgs", disp=False, maxiter=1000, start_params=start, skip_hessian=True
        )


def _extend(params: NDArray[np.float64], n_exog: int) -> NDArray[np.float64]:
    """Start values for a model with one more predictor: a zero inserted after the slopes."""
    return np.concatenate([params[:n_exog], [0.0], params[n_exog:]])


def _expected(result: Any, x: NDArray[np.float64]) -> NDArray[np.float64]:
    probabilities = result.model.predict(result.params, exog=x)
    return probabilities @ np.arange(1, probabilities.shape[1] + 1)


def _matched_difference(
    y: NDArray[np.float64], theta: NDArray[np.float64], group: NDArray[np.float64]
) -> float:
    """Focal minus reference mean within theta deciles, weighted by focal counts, / SD."""
    edges = np.quantile(theta, np.linspace(0, 1, 11))
    bins = np.clip(np.searchsorted(edges, theta, side="right") - 1, 0, 9)
    total = weight = 0.0
    for b in range(10):
        focal = (bins == b) & (group == 1)
        reference = (bins == b) & (group == 0)
        if focal.any() and reference.any():
            total += focal.sum() * (y[focal].mean() - y[reference].mean())
            weight += focal.sum()
    return float(total / weight / y.std(ddof=1))


def item_dif(
    y: NDArray[np.int64], theta: NDArray[np.float64], group: NDArray[np.float64]
) -> tuple[dict[str, Any], Any]:
    """Three nested models for one item; effect sizes, test and flag, and the M3 fit."""
    x1 = theta[:, None]
    x3 = np.column_stack([theta, group, theta * group])
    m1 = _fit(y, x1, None)
    m2 = _fit(y, x3[:, :2], _extend(np.asarray(m1.params), 1))
    m3 = _fit(y, x3, _extend(np.asarray(m2.params), 2))
    counts = np.bincount(y)[1:]
    counts = counts[counts > 0]
    n = y.size
    null = float(np.sum(counts * np.log(counts / n)))

    def nagelkerke(llf: float) -> float:
        return (1 - np.exp(2 * (null - llf) / n)) / (1 - np.exp(2 * null / n))

    def mcfadden(llf: float) -> float:
        return 1 - llf / null

    delta_n = nagelkerke(m3.llf) - nagelkerke(m1.llf)
    delta_m = mcfadden(m3.llf) - mcfadden(m1.llf)
    statistic = 2 * (m3.llf - m1.llf)
    p = float(chi2.sf(statistic, 2))
    level = "large" if delta_n >= NAGELKERKE_LARGE else "moderate"
    flagged = p < ALPHA and delta_n >= NAGELKERKE_MODERATE
    return {
        "delta_nagelkerke": r(delta_n, 4),
        "delta_nagelkerke_uniform": r(nagelkerke(m2.llf) - nagelkerke(m1.llf), 4),
        "delta_mcfadden": r(delta_m, 4),
        "chi2": r(statistic, 1),
        "p": float(f"{p:.2g}"),
        "group_logit": r(m2.params[1], 3),
        "matched_difference_sd": r(_matched_difference(y.astype(float), theta, group), 3),
        "flag": level if flagged else "",
        "mcfadden_flag": bool(p < ALPHA and delta_m >= MCFADDEN_LORDIF),
    }, m3


def dif(inputs: Inputs) -> dict[str, Any]:
    """DIF of every item for every contrast, with the differential test functioning."""
    bank = inputs.bank
    keyed = keyed_matrix(bank, inputs.data.responses)
    eap, _, _ = scorer_for(bank).batch(inputs.data.responses)
    results: dict[str, Any] = {}
    for name, reference, focal in CONTRASTS:
        everyone = contrast_groups(inputs, name)
        group_all = sample_groups(everyone)
        per_dimension: dict[str, Any] = {}
        for d, dimension in enumerate(DIMENSIONS):
            columns = dimension_columns(bank, dimension)
            block = keyed[:, columns]
            rows = ~np.isnan(block).any(axis=1) & ~np.isnan(group_all)
            theta, group, codes = eap[rows, d], group_all[rows], block[rows].astype(np.int64)
            items: dict[str, Any] = {}
            expected_focal = np.zeros(int((group == 1).sum()))
            expected_reference = np.zeros_like(expected_focal)
            focal_theta = theta[group == 1]
            for j, column in enumerate(columns):
                stats, m3 = item_dif(codes[:, j], theta, group)
                items[str(column + 1)] = stats
                ones = np.ones_like(focal_theta)
                expected_focal += _expected(m3, np.column_stack([focal_theta, ones, focal_theta]))
                zeros = np.zeros_like(focal_theta)
                expected_reference += _expected(m3, np.column_stack([focal_theta, zeros, zeros]))
            difference = expected_focal - expected_reference
            total_sd = float(codes.sum(axis=1).std(ddof=1))
            per_dimension[dimension] = {
                "n_reference": int((group == 0).sum()),
                "n_focal": int((group == 1).sum()),
                "items": items,
                "dtf_signed_points": r(difference.mean(), 2),
                "dtf_unsigned_points": r(np.abs(difference).mean(), 2),
                "dtf_signed_sd": r(difference.mean() / total_sd, 3),
                "impact_theta": r(eap[everyone == 1, d].mean() - eap[everyone == 0, d].mean(), 3),
                "n_reference_all": int((everyone == 0).sum()),
                "n_focal_all": int((everyone == 1).sum()),
                "total_sd": r(total_sd, 2),
            }
        results[name] = {"reference": reference, "focal": focal, "dimensions": per_dimension}
    return results
