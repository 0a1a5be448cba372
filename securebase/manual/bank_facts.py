"""Numbers that follow from the bank file alone (no raw data, no heavy libraries).

These are the figures a reader is most likely to quote -- parameters, cuts, reliabilities,
information and standard errors, Q3*, norm groups, classification -- and they are cheap, so the
test suite recomputes them from the committed bank and compares them with the committed
``numbers.json``: a bank rebuilt without rebuilding the manual fails that test.
"""

from __future__ import annotations

from typing import Any, SupportsFloat

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.bank import ItemBank
from securebase.psychometrics.grm import item_information
from securebase.psychometrics.norms import DIMENSIONS

#: The 12 items of the ECR-S (Wei, Russell, Mallinckrodt & Vogel, 2007), as in the benchmark.
ECR_S = (11, 13, 17, 27, 33, 35, 6, 16, 18, 22, 26, 32)
#: Theta points at which the manual tabulates information and conditional SE.
SE_POINTS = (-3.0, -2.5, -2.0, -1.0, 0.0, 1.0, 2.0, 2.5, 3.0)
#: Grid for the marginal (population-averaged) reliability under the N(0, 1) latent prior.
_GRID = np.linspace(-6.0, 6.0, 241)


def r(value: SupportsFloat, decimals: int = 3) -> float:
    """Round for the manual; -0.0 becomes 0.0 so the JSON text is stable."""
    return round(float(value), decimals) + 0.0


def information(
    bank: ItemBank, dimension: str, theta: np.ndarray, items: tuple[int, ...] | None
) -> NDArray[np.float64]:
    """Test information of a dimension's items (all, or only ``items``) at ``theta``."""
    chosen = [
        item for item in bank.dimension_items(dimension) if items is None or item.number in items
    ]
    a = np.array([item.a for item in chosen])
    b = np.array([item.b for item in chosen])
    return item_information(np.asarray(theta, dtype=np.float64), a, b).sum(axis=0)


def model_reliability(bank: ItemBank, dimension: str, items: tuple[int, ...] | None) -> float:
    """``1 - E[1 / (1 + I(theta))]`` under N(0, 1): expected error variance of the EAP, approx."""
    weights = np.exp(-0.5 * _GRID**2)
    weights /= weights.sum()
    error = 1.0 / (1.0 + information(bank, dimension, _GRID, items))
    return float(1.0 - weights @ error)


def _q3_summary(bank: ItemBank, dimension: str) -> dict[str, Any]:
    section = bank.document["local_dependence"][dimension]
    numbers = [int(n) for n in section["items"]]
    q3 = np.array(section["q3"], dtype=np.float64)
    upper = np.triu_indices(len(numbers), k=1)
    values = q3[upper]
    order = np.argsort(-values, kind="stable")[:5]
    return {
        "n_pairs": int(values.size),
        "share_above_0_1": r(np.mean(values > 0.1)),
        "share_above_0_2": r(np.mean(values > 0.2)),
        "max": r(values.max()),
        "top_pairs": [[numbers[upper[0][k]], numbers[upper[1][k]], r(values[k])] for k in order],
    }


def _information_table(bank: ItemBank, dimension: str) -> dict[str, Any]:
    cut = bank.cuts[dimension]
    points = np.array([*SE_POINTS, cut])
    table: dict[str, Any] = {}
    for form, items in (("full", None), ("ecr_s", ECR_S)):
        info = information(bank, dimension, points, items)
        table[form] = {
            "n_items": len(bank.dimension_items(dimension))
            if items is None
            else sum(1 for item in bank.dimension_items(dimension) if item.number in items),
            "se_at_points": [r(1.0 / np.sqrt(1.0 + value)) for value in info[:-1]],
            "se_at_cut": r(1.0 / np.sqrt(1.0 + info[-1])),
            "information_at_cut": r(info[-1], 2),
            "model_reliability": r(model_reliability(bank, dimension, items)),
        }
    return table


def bank_facts(bank: ItemBank) -> dict[str, Any]:
    """Every bank-only number the manual states (see module docstring)."""
    calibration = bank.calibration
    dimensions: dict[str, Any] = {}
    for dimension in DIMENSIONS:
        stats = calibration["dimensions"][dimension]
        items = stats["items"]
        worst = max(items, key=lambda number: (items[number]["s_x2_rmsea"], -int(number)))
        a = [item.a for item in bank.dimension_items(dimension)]
        dimensions[dimension] = {
            "n_respondents": stats["n_respondents"],
            "iterations": stats["iterations"],
            "converged": stats["converged"],
            "log_likelihood": stats["log_likelihood"],
            "marginal_reliability": stats["marginal_reliability"],
            "category_rmsd_mean": stats["category_proportion_rmsd_mean"],
            "category_max_abs_difference": stats["category_proportion_max_abs_difference"],
            "s_x2_n_complete": stats["s_x2_n_complete"],
            "s_x2_rmsea_median": stats["s_x2_rmsea_median"],
            "s_x2_rmsea_max": stats["s_x2_rmsea_max"],
            "s_x2_worst_item": int(worst),
            "s_x2_n_significant": sum(1 for v in items.values() if v["s_x2_p"] < 0.01),
            "a_min": r(min(a), 2),
            "a_max": r(max(a), 2),
            "cut": bank.cuts[dimension],
            "information": _information_table(bank, dimension),
            "q3": _q3_summary(bank, dimension),
        }
    norms = bank.document["norms"]
    classification = bank.document.get("classification")
    return {
        "version": bank.version,
        "n_respondents": bank.n_respondents,
        "data_release": calibration["data_release"],
        "classical_agreement": calibration["full_form_style_agreement_with_classical_rule"],
        "items": [
            {
                "number": item.number,
                "text": item.text,
                "dimension": item.dimension,
                "reverse": item.reverse,
                "a": item.a,
                "b": list(item.b),
            }
            for item in bank.items
        ],
        "dimensions": dimensions,
        "se_points": list(SE_POINTS),
        "ecr_s": list(ECR_S),
        "norm_groups": [
            {"key": key, "label": group["label"], "n": group["n"]}
            for key, group in norms["groups"].items()
        ],
        "norm_min_group_size": norms["min_group_size"],
        "style_shares": bank.population["style_shares"],
        "classification": classification,
    }
