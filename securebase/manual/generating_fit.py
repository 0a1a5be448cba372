"""Fit the generating model the calibration study simulates from (chapter "How sure is the result").

    python -m securebase.manual.generating_fit [--data ecr-calibration.csv]

The graded response model the site scores with assumes that, given a person's position on a
dimension, their answers are independent. They are not: the manual's Schmid-Leiman analysis
finds group factors (clusters of similarly worded statements) next to the general factor of
each dimension (omega-hierarchical about .74, explained common variance about .62). A
simulation that only draws answers from the GRM therefore flatters the GRM. This module fits a
model that keeps that local dependence, on the **training split only** (the same fixed 80% as
``benchmarks/psychometrics_eval.py``, complete respondents):

1. polychoric correlations of the keyed answers (the manual's two-step estimator);
2. per dimension, the item groups of a three-group Schmid-Leiman solution, then a confirmatory
   bifactor model (one general factor, three orthogonal group factors, each item on the general
   factor and its group) fitted with semopy (Wishart maximum likelihood on the polychoric
   matrix);
3. the correlation of the two general factors by least squares on the between-dimension block
   of the polychoric matrix (group factors of different dimensions taken as uncorrelated);
4. each item's four thresholds from its training marginal proportions;
5. a realism check: as many simulated people as training respondents, both scored with the
   shipped bank (spread and correlation of the scores, share of each style).

Full-information bifactor estimation of graded items is not offered by a maintained Python
library (``mirt.bfactor`` fits dichotomous items only), so the model is fitted on the polychoric
matrix: a latent-response (normal-ogive) bifactor model, whose answers are simulated by drawing
the latent responses and cutting them at the thresholds
(:mod:`securebase.psychometrics.generating_model`). Only the derived parameters are committed,
in ``securebase/psychometrics/generating_model.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from securebase.manual.descriptive import dimension_columns, keyed_matrix
from securebase.manual.structure import polychoric_matrix
from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.data import default_data_path, load_ecr_csv
from securebase.psychometrics.generating_model import (
    MODEL_PATH,
    SCHEMA,
    training_rows,
)
from securebase.psychometrics.norms import DIMENSIONS

FloatArray = NDArray[np.float64]
COMMAND = "python -m securebase.manual.generating_fit"
REALISM_SEED = 150003
#: Group factors per dimension (as in the manual's Schmid-Leiman analysis).
GROUPS = 3


def _names(numbers: Sequence[int]) -> list[str]:
    return [f"Q{number}" for number in numbers]


def schmid_leiman_loadings(polychoric: FloatArray) -> tuple[FloatArray, FloatArray]:
    """General (items,) and group (items, 3) loadings of a Schmid-Leiman solution.

    The same transformation as the manual's dimensionality chapter (3-factor oblimin minres
    EFA with factor_analyzer, one factor of the factor correlations); with three first-order
    factors the second order is just identified, so these loadings reproduce the EFA's implied
    correlations exactly. Uniquenesses follow from the loadings (``1 - g^2 - sum s^2``).
    """
    from factor_analyzer import FactorAnalyzer

    first = FactorAnalyzer(
        n_factors=GROUPS, rotation="oblimin", method="minres", is_corr_matrix=True
    )
    first.fit(polychoric)
    second = FactorAnalyzer(n_factors=1, rotation=None, method="minres", is_corr_matrix=True)
    second.fit(first.phi_)
    g = second.loadings_[:, 0]
    g = g * np.sign(g.sum())
    general = first.loadings_ @ g
    specific = first.loadings_ * np.sqrt(np.clip(1.0 - g**2, 0.0, None))[None, :]
    sign = np.sign(general.sum())
    return general * sign, specific * np.where(specific.sum(axis=0) < 0, -1.0, 1.0)[None, :]


def confirmatory_bifactor(
    polychoric: FloatArray, numbers: list[int], groups: list[list[int]], n: int
) -> tuple[FloatArray, FloatArray]:
    """General (items,) and group (items, groups) standardised loadings of an orthogonal
    bifactor CFA (each item on the general factor and its one group; semopy MLW)."""
    import pandas as pd
    import semopy

    lines = ["general =~ " + " + ".join(_names(numbers))]
    factors = [f"group{k + 1}" for k in range(len(groups))]
    for factor, members in zip(factors, groups, strict=True):
        lines.append(f"{factor} =~ " + " + ".join(_names(members)))
    everything = ["general", *factors]
    for i, left in enumerate(everything):
        for right in everything[i + 1 :]:
            lines.append(f"{left} ~~ 0*{right}")
    model = semopy.Model("\n".join(lines))
    names = _names(numbers)
    frame = pd.DataFrame(polychoric, index=names, columns=names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(cov=frame, n_samples=n, obj="MLW")
        estimates = model.inspect(std_est=True)
    loadings = estimates[(estimates["op"] == "~") & estimates["rval"].isin(everything)]
    general = np.zeros(len(numbers))
    specific = np.zeros((len(numbers), len(groups)))
    position = {name: j for j, name in enumerate(names)}
    for _, row in loadings.iterrows():
        j = position[row["lval"]]
        if row["rval"] == "general":
            general[j] = float(row["Est. Std"])
        else:
            specific[j, factors.index(row["rval"])] = float(row["Est. Std"])
    return general * np.sign(general.sum()), specific


def loading_figures(
    polychoric: FloatArray, general: FloatArray, specific: FloatArray
) -> dict[str, float]:
    """Omega total, omega-hierarchical and ECV implied by bifactor loadings (on latent
    responses), and the root mean square of the off-diagonal residual correlations."""
    unique = 1.0 - general**2 - np.sum(specific**2, axis=1)
    groups = float(np.sum(specific.sum(axis=0) ** 2))
    total = general.sum() ** 2 + groups + unique.sum()
    implied = np.outer(general, general) + specific @ specific.T
    off = ~np.eye(len(general), dtype=bool)
    return {
        "omega_total": round(float((general.sum() ** 2 + groups) / total), 3),
        "omega_hierarchical": round(float(general.sum() ** 2 / total), 3),
        "ecv": round(float(np.sum(general**2) / (np.sum(general**2) + np.sum(specific**2))), 3),
        "rmsr": round(float(np.sqrt(np.mean((polychoric - implied)[off] ** 2))), 4),
    }


def between_dimension_correlations(
    polychoric: FloatArray, bank: ItemBank, loadings: list[tuple[FloatArray, FloatArray]]
) -> FloatArray:
    """Correlations of all factors, ordered (general anxiety, general avoidance, anxiety
    groups, avoidance groups), the between-dimension ones by least squares.

    Within a dimension the factors are orthogonal (bifactor). Between dimensions the general
    factors correlate and so may the group factors (some clusters of statements touch both
    dimensions): the between-dimension polychoric block is ``g_anx rho g_avo' + S_anx C
    S_avo'``, linear in ``rho`` and the 3 x 3 ``C``, fitted by least squares. Eigenvalues are
    kept at least 1e-3 so the matrix stays a correlation matrix.
    """
    (g_anx, s_anx), (g_avo, s_avo) = loadings
    rows, columns = (dimension_columns(bank, d) for d in DIMENSIONS)
    block = polychoric[np.ix_(rows, columns)].ravel()
    design = [np.outer(g_anx, g_avo).ravel()]
    for k in range(GROUPS):
        for m in range(GROUPS):
            design.append(np.outer(s_anx[:, k], s_avo[:, m]).ravel())
    coefficients = np.linalg.lstsq(np.array(design).T, block, rcond=None)[0]
    size = 2 + 2 * GROUPS
    correlation = np.eye(size)
    correlation[0, 1] = correlation[1, 0] = coefficients[0]
    between = coefficients[1:].reshape(GROUPS, GROUPS)
    correlation[2 : 2 + GROUPS, 2 + GROUPS :] = between
    correlation[2 + GROUPS :, 2 : 2 + GROUPS] = between.T
    values, vectors = np.linalg.eigh(correlation)
    repaired = vectors @ np.diag(np.maximum(values, 1e-3)) @ vectors.T
    scale = np.sqrt(np.diag(repaired))
    result: FloatArray = repaired / np.outer(scale, scale)
    return result


def fit(responses: NDArray[np.integer], bank: ItemBank) -> dict[str, Any]:
    """The generating model's document from complete training answers (clicked, (n, 36)).

    Two bifactor solutions are fitted per dimension: the Schmid-Leiman transformation of an
    exploratory solution and a confirmatory bifactor model with the Schmid-Leiman item groups.
    The one whose implied correlations are closer to the polychoric matrix (smaller residual
    root mean square, both dimensions together) becomes the generating model; both are reported.
    """
    keyed = keyed_matrix(bank, responses)
    polychoric = polychoric_matrix(keyed)
    n = len(keyed)
    solutions: dict[str, dict[str, tuple[FloatArray, FloatArray]]] = {
        "schmid_leiman": {},
        "cfa": {},
    }
    figures: dict[str, dict[str, Any]] = {"schmid_leiman": {}, "cfa": {}}
    for dimension in DIMENSIONS:
        columns = dimension_columns(bank, dimension)
        numbers = [c + 1 for c in columns]
        block = polychoric[np.ix_(columns, columns)]
        general, specific = schmid_leiman_loadings(block)
        solutions["schmid_leiman"][dimension] = (general, specific)
        strongest = np.argmax(np.abs(specific), axis=1)
        groups = [[numbers[j] for j in np.flatnonzero(strongest == k)] for k in range(GROUPS)]
        solutions["cfa"][dimension] = confirmatory_bifactor(block, numbers, groups, n)
        for name, by_dimension in solutions.items():
            figures[name][dimension] = loading_figures(block, *by_dimension[dimension])
    chosen = min(solutions, key=lambda name: sum(f["rmsr"] for f in figures[name].values()))
    items: dict[str, dict[str, Any]] = {}
    for dimension in DIMENSIONS:
        general, specific = solutions[chosen][dimension]
        for j, column in enumerate(dimension_columns(bank, dimension)):
            proportions = np.bincount(keyed[:, column].astype(np.int64) - 1, minlength=5) / n
            thresholds = norm.ppf(np.clip(np.cumsum(proportions)[:-1], 1e-6, 1 - 1e-6))
            items[str(column + 1)] = {
                "dimension": dimension,
                "general": round(float(general[j]), 4),
                "specific": [round(float(v), 4) for v in specific[j]],
                "thresholds": [round(float(t), 4) for t in thresholds],
            }
    factor_correlation = between_dimension_correlations(
        polychoric, bank, [solutions[chosen][dimension] for dimension in DIMENSIONS]
    )
    return {
        "schema": SCHEMA,
        "command": COMMAND,
        "method": (
            "latent-response bifactor model per dimension: general factor + three orthogonal "
            "group factors, fitted to the polychoric matrix of complete training respondents "
            f"({chosen.replace('_', '-')} solution, the closer of Schmid-Leiman and confirmatory "
            "bifactor); thresholds from training marginal proportions; correlations between "
            "the two dimensions' factors by least squares on the between-dimension block"
        ),
        "solution": chosen,
        "n_training": n,
        "general_correlation": round(float(factor_correlation[0, 1]), 4),
        "factor_correlation": [[round(float(v), 4) for v in row] for row in factor_correlation],
        "fit": figures,
        "items": items,
    }


def realism(
    document: dict[str, Any], responses: NDArray[np.integer], bank: ItemBank
) -> dict[str, Any]:
    """Simulated against real (training) answers, both scored with the shipped bank: SD and
    correlation of the full-form EAPs and the share of each quadrant. A seeded check of what
    the fit does not target directly (the observed scores and styles)."""
    from securebase.psychometrics.generating_model import GeneratingModel
    from securebase.psychometrics.scoring import scorer_for
    from securebase.psychometrics.styles import STYLES

    model = GeneratingModel.from_document(document, [item.reverse for item in bank.items])
    rng = np.random.default_rng(REALISM_SEED)
    simulated = model.answers(model.people(len(responses), rng), rng)
    scorer = scorer_for(bank)
    cuts = np.array([bank.cuts[d] for d in DIMENSIONS])
    rows: dict[str, Any] = {"seed": REALISM_SEED}
    for name, answers in (("simulated", simulated), ("real", responses)):
        eap, _, _ = scorer.batch(np.asarray(answers))
        high = eap > cuts
        shares = np.bincount(high[:, 0] + 2 * high[:, 1], minlength=len(STYLES)) / len(eap)
        rows[name] = {
            "eap_sd": [round(float(v), 3) for v in eap.std(axis=0)],
            "eap_correlation": round(float(np.asarray(np.corrcoef(eap.T))[0, 1]), 3),
            "style_shares": {s: round(float(v), 3) for s, v in zip(STYLES, shares, strict=True)},
        }
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on the training split and write ``generating_model.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=None, help="ecr-calibration.csv")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    path = args.data if args.data is not None else default_data_path()
    if path is None:
        print("generating_fit: the calibration data were not found", file=sys.stderr)
        return 2
    data = load_ecr_csv(path)
    train, _ = training_rows(data.n)
    responses = data.responses[train].astype(np.int64)
    responses = responses[np.all(responses > 0, axis=1)]
    document = fit(responses, item_bank())
    document["realism"] = realism(document, responses, item_bank())
    args.output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {k: document[k] for k in ("n_training", "solution", "general_correlation", "fit")}
        )
    )
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
