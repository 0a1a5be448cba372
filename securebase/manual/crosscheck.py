"""Independent cross-check of the calibration with the ``mirt`` package (chapter 4).

``mirt`` (PyPI, MIT licence, a Python and Rust implementation of the models of R's mirt
package, with observed-information standard errors) fits the same unidimensional graded
response model by marginal maximum likelihood with EM on the same data: keyed categories,
missing answers skipped, one model per dimension, N(0, 1) latent distribution. Its quadrature
(Gauss-Hermite, 49 points) and convergence rule differ from ours (49 equally spaced nodes on
[-6, 6], parameter change below 1e-5), so small differences are expected; a difference larger
than two of mirt's standard errors is listed and discussed in the text. mirt's standard errors
are also the ones the item table reports for our estimates (the two fits agree far within them).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from securebase.manual.bank_facts import r
from securebase.manual.source import Inputs
from securebase.psychometrics.bank import ItemBank
from securebase.psychometrics.calibration import keyed_categories
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.styles import tcc_cut

QUADRATURE_POINTS = 49


def mirt_estimates(inputs: Inputs) -> dict[str, Any]:
    """Refit each dimension with mirt: estimates and standard errors per item (data only)."""
    import mirt

    bank = inputs.bank
    categories = keyed_categories(inputs.data.responses, [item.reverse for item in bank.items])
    result: dict[str, Any] = {"package": f"mirt {mirt.__version__}", "items": {}}
    for dimension in DIMENSIONS:
        items = bank.dimension_items(dimension)
        block = categories[:, [item.number - 1 for item in items]]
        block = block[(block >= 0).any(axis=1)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = mirt.fit_mirt(
                block, model="GRM", n_categories=5, n_quadpts=QUADRATURE_POINTS, max_iter=2000
            )
        coef = fit.coef()
        se = fit.standard_errors
        thresholds = np.column_stack([coef[f"thresholds_{k}"].to_numpy() for k in range(1, 5)])
        for j, item in enumerate(items):
            result["items"][str(item.number)] = {
                "a": float(coef["discrimination"].iloc[j]),
                "a_se": float(se["discrimination"][j]),
                "b": [float(v) for v in thresholds[j]],
                "b_se": [float(v) for v in np.asarray(se["thresholds"][j], dtype=np.float64)],
            }
        result[dimension] = {
            "converged": bool(fit.converged),
            "iterations": int(fit.n_iterations),
            "log_likelihood": r(float(fit.log_likelihood), 2),
            "n": int(block.shape[0]),
        }
    return result


def crosscheck(bank: ItemBank, estimates: dict[str, Any]) -> dict[str, Any]:
    """Per-item differences between the shipped bank and mirt's estimates, and the largest."""
    result: dict[str, Any] = {
        key: value for key, value in estimates.items() if key in ("package", *DIMENSIONS)
    }
    result["items"] = {}
    for item in bank.items:
        theirs = estimates["items"][str(item.number)]
        result["items"][str(item.number)] = {
            "a_mirt": r(theirs["a"], 4),
            "a_se": r(theirs["a_se"], 4),
            "a_diff": r(item.a - theirs["a"], 4),
            "b_mirt": [r(v, 4) for v in theirs["b"]],
            "b_se": [r(v, 4) for v in theirs["b_se"]],
            "b_diff": [r(o - t, 4) for o, t in zip(item.b, theirs["b"], strict=True)],
        }
    ratios = [
        (abs(row["a_diff"]) / row["a_se"], number, "a") for number, row in result["items"].items()
    ] + [
        (abs(d) / s, number, f"b{k + 1}")
        for number, row in result["items"].items()
        for k, (d, s) in enumerate(zip(row["b_diff"], row["b_se"], strict=True))
    ]
    worst = max(ratios)
    rows = result["items"].values()
    result["max_abs_a_diff"] = max(abs(row["a_diff"]) for row in rows)
    result["max_abs_b_diff"] = max(abs(d) for row in rows for d in row["b_diff"])
    result["max_diff_over_se"] = r(worst[0], 2)
    result["max_diff_over_se_at"] = [int(worst[1]), worst[2]]
    beyond = [parameter for ratio, _, parameter in ratios if ratio > 2]
    result["n_beyond_2se"] = len(beyond)
    result["n_beyond_2se_extreme_thresholds"] = sum(1 for p in beyond if p in ("b1", "b4"))
    result["n_parameters"] = len(ratios)
    result["cut_difference"] = {}
    for dimension in DIMENSIONS:
        numbers = [str(item.number) for item in bank.dimension_items(dimension)]
        a = np.array([estimates["items"][n]["a"] for n in numbers])
        b = np.array([estimates["items"][n]["b"] for n in numbers])
        result["cut_difference"][dimension] = r(bank.cuts[dimension] - tcc_cut(a, b), 4)
    return result
