"""Command line: calibrate the item bank on the ECR data and rewrite the bank file.

    python -m securebase.psychometrics.calibrate --data ../shared/data/ecr/ecr-calibration.csv

Reads the hand-maintained sections of the bank (wording, keying, labels, citation), fits one GRM
per dimension (:mod:`calibration`), derives the style cuts (:mod:`styles`), norm tables
(:mod:`norms`, adults 18+ only, each with a description of its sample), the population histogram
from full-form EAPs, the within-dimension residual correlations (centred Q3*, section
``local_dependence``, used by the adaptive test's item selection) and the full form's simulated
classification consistency and accuracy (:mod:`classification`, seeded), and writes everything
back.
The output depends only on the input: floats are rounded, dates are the data release date rather
than the clock, and the JSON layout is fixed, so re-running gives a byte-identical file.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.bank import BANK_PATH, Item, ItemBank
from securebase.psychometrics.calibration import (
    DEFAULT_BOUND,
    DEFAULT_NODES,
    GrmFit,
    fit_grm,
    keyed_categories,
)
from securebase.psychometrics.classification import classification_section
from securebase.psychometrics.data import SOURCE, EcrData, default_data_path, load_ecr_csv
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.itemfit import s_x2
from securebase.psychometrics.norms import DIMENSIONS, build_norms
from securebase.psychometrics.scoring import Scorer
from securebase.psychometrics.styles import STYLES, style_of, tcc_cut

REGENERATE_COMMAND = (
    "python -m securebase.psychometrics.calibrate --data ../shared/data/ecr/ecr-calibration.csv"
)
DATA_RELEASE = "2018-03-01"
PARAMETER_DECIMALS = 4
STAT_DECIMALS = 4
Q3_DECIMALS = 3
HISTOGRAM_BINS = 24
HISTOGRAM_RANGE = 3.0


def _round(value: float, decimals: int = STAT_DECIMALS) -> float:
    """Round and turn -0.0 into 0.0 so the text form is stable."""
    return round(float(value), decimals) + 0.0


def _rounded_list(
    values: Sequence[float] | NDArray[np.float64], decimals: int = STAT_DECIMALS
) -> list[float]:
    return [_round(value, decimals) for value in np.asarray(values, dtype=np.float64).ravel()]


def _fit_statistics(
    fit: GrmFit, categories: NDArray[np.int64], numbers: Sequence[int]
) -> dict[str, Any]:
    """Convergence, log-likelihood, reliability, category proportions and S-X2 item fit."""
    item_fits = s_x2(categories, fit.a, fit.b, fit.nodes, fit.weights)
    observed = fit.observed_category_proportions()
    expected = fit.expected_category_proportions()
    difference = observed - expected
    rmsd = np.sqrt(np.mean(difference**2, axis=1))
    return {
        "n_respondents": fit.n_respondents,
        "iterations": fit.iterations,
        "converged": fit.converged,
        "final_max_parameter_change": float(f"{fit.max_change:.2e}"),
        "log_likelihood": _round(fit.log_likelihood, 2),
        "marginal_reliability": _round(fit.marginal_reliability),
        "category_proportion_rmsd_mean": _round(float(np.mean(rmsd))),
        "category_proportion_max_abs_difference": _round(float(np.max(np.abs(difference)))),
        "s_x2_n_complete": int(np.all(categories >= 0, axis=1).sum()),
        "s_x2_rmsea_median": _round(float(np.median([f.rmsea for f in item_fits]))),
        "s_x2_rmsea_max": _round(float(max(f.rmsea for f in item_fits))),
        "items": {
            str(number): {
                "observed": _rounded_list(observed[j]),
                "expected": _rounded_list(expected[j]),
                "rmsd": _round(float(rmsd[j])),
                "s_x2": _round(item_fits[j].s_x2, 1),
                "s_x2_df": item_fits[j].df,
                "s_x2_p": float(f"{item_fits[j].p_value:.3g}"),
                "s_x2_rmsea": _round(item_fits[j].rmsea),
            }
            for j, number in enumerate(numbers)
        },
    }


def _population(eap: NDArray[np.float64], styles: Sequence[str]) -> dict[str, Any]:
    """24 x 24 histogram of (avoidance, anxiety) EAPs over [-3, 3]; outliers go to edge bins."""
    edges = np.linspace(-HISTOGRAM_RANGE, HISTOGRAM_RANGE, HISTOGRAM_BINS + 1)
    inside = np.clip(eap, -HISTOGRAM_RANGE, HISTOGRAM_RANGE)
    avoidance = inside[:, DIMENSIONS.index("avoidance")]
    anxiety = inside[:, DIMENSIONS.index("anxiety")]
    counts, _, _ = np.histogram2d(anxiety, avoidance, bins=[edges, edges])
    total = len(styles)
    return {
        "description": (
            "full-form EAP thetas of the calibration sample; counts[i][j] is the number of "
            "respondents with anxiety in bin i and avoidance in bin j; values beyond the edges "
            "are counted in the outermost bins"
        ),
        "avoidance_edges": _rounded_list(edges, 2),
        "anxiety_edges": _rounded_list(edges, 2),
        "counts": [[int(value) for value in row] for row in counts],
        "style_shares": {style: _round(styles.count(style) / total) for style in STYLES},
    }


def _classical_agreement(
    responses: NDArray[np.int8], items: Sequence[Item], styles: Sequence[str]
) -> float:
    """Share of complete patterns where the EAP style equals the keyed-mean >= 3 style."""
    complete: NDArray[np.bool_] = np.all(responses > 0, axis=1)
    reverse = np.array([item.reverse for item in items])
    keyed = np.where(reverse, 6 - responses, responses).astype(np.float64)
    dims = np.array([item.dimension for item in items])
    anxiety_high = keyed[:, dims == "anxiety"].mean(axis=1) >= 3
    avoidance_high = keyed[:, dims == "avoidance"].mean(axis=1) >= 3
    classical = [
        style_of(bool(x), bool(y)) for x, y in zip(anxiety_high, avoidance_high, strict=True)
    ]
    agree = [c == s for c, s, ok in zip(classical, styles, complete, strict=True) if ok]
    return float(np.mean(agree))


def residual_correlations(scorer: Scorer, responses: NDArray[np.integer]) -> FloatArray:
    """Centred Yen's Q3 (Q3*) of complete response patterns, (items + 1, items + 1).

    The residual of a keyed answer is the keyed answer minus its GRM expectation averaged over
    the person's full-form posterior; Q3 is the correlation of two items' residuals over people,
    and the mean off-diagonal Q3 of the dimension (about -1/(n - 1)) is subtracted (Q3*).
    Indexed by item number (row and column 0 unused); 0 on the diagonal and across dimensions.
    """
    responses = np.asarray(responses, dtype=np.int64)
    n_items = scorer.n_items
    log_post = np.tile(scorer.log_prior, (len(responses), len(DIMENSIONS), 1))
    for k in range(1, n_items + 1):
        log_post[:, scorer.dimension_index[k], :] += scorer.log_like[k][responses[:, k - 1]]
    log_post -= log_post.max(axis=2, keepdims=True)
    post = np.exp(log_post)
    post /= post.sum(axis=2, keepdims=True)
    residuals = np.zeros((len(responses), n_items))
    for k in range(1, n_items + 1):
        d = scorer.dimension_index[k]
        expected_click = np.arange(1, 6) @ scorer.category_probabilities[k, 1:]  # (grid,)
        sign = -1.0 if scorer.items[k - 1].reverse else 1.0
        residuals[:, k - 1] = sign * (responses[:, k - 1] - post[:, d, :] @ expected_click)
    q3: FloatArray = np.zeros((n_items + 1, n_items + 1))
    corr: FloatArray = np.asarray(np.corrcoef(residuals, rowvar=False), dtype=np.float64)
    dims = scorer.dimension_index[1:]
    for d in range(len(DIMENSIONS)):
        index = np.flatnonzero(dims == d)
        block = corr[np.ix_(index, index)]
        off = ~np.eye(len(index), dtype=bool)
        block = np.where(off, block - block[off].mean(), 0.0)
        q3[np.ix_(index + 1, index + 1)] = block
    return q3


def _local_dependence(scorer: Scorer, responses: NDArray[np.integer]) -> dict[str, Any]:
    """Bank section ``local_dependence``: Q3* per dimension from the complete patterns."""
    complete = responses[np.all(responses > 0, axis=1)]
    q3 = residual_correlations(scorer, complete)
    section: dict[str, Any] = {
        "method": (
            "centred Yen's Q3 (Q3*) within each dimension: residual = keyed answer minus its GRM "
            "expectation averaged over the person's full-form EAP posterior; Q3 = correlation of "
            "two items' residuals over the complete response patterns of the calibration data; "
            "the dimension's mean off-diagonal Q3 is subtracted; diagonal 0; rows and columns "
            "follow 'items'"
        ),
        "n_complete": len(complete),
    }
    for d, dimension in enumerate(DIMENSIONS):
        numbers = [int(k) for k in np.flatnonzero(scorer.dimension_index == d)]
        block = q3[np.ix_(numbers, numbers)]
        section[dimension] = {
            "items": numbers,
            "q3": [_rounded_list(row, Q3_DECIMALS) for row in block],
        }
    return section


def calibrate_document(
    base: Mapping[str, Any],
    data: EcrData,
    *,
    rows: NDArray[np.intp] | NDArray[np.bool_] | None = None,
    classification_simulees: int | None = None,
) -> dict[str, Any]:
    """Fit the bank on ``data`` (or its ``rows``) and return the updated bank document.

    ``classification_simulees`` overrides the number of simulees of the classification
    figures (tests use fewer to stay fast).
    """
    if rows is not None:
        data = data.subset(rows)
    entries = sorted(copy.deepcopy(list(base["items"])), key=lambda entry: int(entry["number"]))
    reverse = [bool(entry["reverse"]) for entry in entries]
    categories = keyed_categories(data.responses, reverse)
    statistics: dict[str, Any] = {}
    cuts: dict[str, float] = {}
    for dimension in DIMENSIONS:
        columns = [j for j, entry in enumerate(entries) if entry["dimension"] == dimension]
        fit = fit_grm(categories[:, columns])
        a = np.round(fit.a, PARAMETER_DECIMALS)
        b = np.round(fit.b, PARAMETER_DECIMALS)
        for j, column in enumerate(columns):
            entries[column]["a"] = _round(a[j], PARAMETER_DECIMALS)
            entries[column]["b"] = _rounded_list(b[j], PARAMETER_DECIMALS)
        numbers = [entries[c]["number"] for c in columns]
        statistics[dimension] = _fit_statistics(fit, categories[:, columns], numbers)
        cuts[dimension] = _round(tcc_cut(a, b), PARAMETER_DECIMALS)
    items = [Item.from_entry(entry) for entry in entries]
    scorer = Scorer(items, cuts)
    eap, _, p_high = scorer.batch(data.responses)
    styles = scorer.styles(p_high)
    document = dict(base)
    document["items"] = entries
    document["calibration"] = {
        "regenerate": REGENERATE_COMMAND,
        "data_release": DATA_RELEASE,
        "n_respondents": data.n,
        "method": (
            "Samejima graded response model (logistic, one discrimination and four ordered "
            "thresholds per item) fitted separately per dimension by marginal maximum likelihood "
            "(Bock-Aitkin EM, M-step by Fisher scoring) with a fixed N(0,1) latent prior on "
            f"{DEFAULT_NODES} equally spaced quadrature nodes on [-{DEFAULT_BOUND:g}, "
            f"{DEFAULT_BOUND:g}]; unanswered items are skipped, not imputed; converged when no "
            "parameter changes by more than 1e-5 in an EM cycle"
        ),
        "full_form_style_agreement_with_classical_rule": _round(
            _classical_agreement(data.responses, items, styles)
        ),
        "dimensions": statistics,
    }
    document["cuts"] = {
        **cuts,
        "rule": (
            "theta at which the test characteristic curve (model-expected keyed item mean over "
            "the dimension's 18 items) equals 3, the scale midpoint; solved with Brent's method"
        ),
    }
    thetas = {dimension: eap[:, d] for d, dimension in enumerate(DIMENSIONS)}
    document["norms"] = {
        "description": (
            "percentiles of full-form EAP thetas (answered items only) of the calibration "
            "respondents aged 18 to 100, by gender and age band where a group has at least "
            "min_group_size people; each group's sample gives the share of women (among all "
            "its people), the median age and the share of each style (most probable style of "
            "each person's full-form posterior)"
        ),
        **build_norms(thetas, data.gender, data.age, styles, source=SOURCE),
    }
    document["population"] = _population(eap, styles)
    document["local_dependence"] = _local_dependence(scorer, data.responses)
    simulees = {} if classification_simulees is None else {"n": classification_simulees}
    document["classification"] = classification_section(
        ItemBank.from_document(document), **simulees
    )
    return document


def _format(value: Any, indent: int = 0) -> str:
    """JSON with two-space indentation, but lists of scalars on one line (compact tables)."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ",\n".join(
            f"{pad}{json.dumps(key, ensure_ascii=False)}: {_format(item, indent + 1)}"
            for key, item in value.items()
        )
        return "{\n" + inner + "\n" + "  " * indent + "}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        if all(isinstance(item, list) for item in value):
            inner = ",\n".join(pad + json.dumps(item, ensure_ascii=False) for item in value)
        else:
            inner = ",\n".join(pad + _format(item, indent + 1) for item in value)
        return "[\n" + inner + "\n" + "  " * indent + "]"
    return json.dumps(value, ensure_ascii=False)


def dumps_bank(document: Mapping[str, Any]) -> str:
    """Deterministic text of a bank document."""
    return _format(dict(document)) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m securebase.psychometrics.calibrate``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data", type=Path, default=default_data_path(), help="ecr-calibration.csv"
    )
    parser.add_argument("--bank", type=Path, default=BANK_PATH, help="bank file to read")
    parser.add_argument("--output", type=Path, default=None, help="file to write (default: --bank)")
    args = parser.parse_args(argv)
    if args.data is None:
        parser.error("no --data given and ../shared/data/ecr/ecr-calibration.csv not found")
    with open(args.bank, encoding="utf-8") as handle:
        base = json.load(handle)
    document = calibrate_document(base, load_ecr_csv(args.data))
    output: Path = args.output or args.bank
    output.write_text(dumps_bank(document), encoding="utf-8")
    calibration = document["calibration"]
    print(
        f"wrote {output}: n={calibration['n_respondents']:,}, "
        f"cuts={document['cuts']['anxiety']:.4f} (anxiety) "
        f"{document['cuts']['avoidance']:.4f} (avoidance)"
    )
    for dimension, stats in calibration["dimensions"].items():
        print(
            f"  {dimension}: {stats['iterations']} EM cycles, converged={stats['converged']}, "
            f"logL={stats['log_likelihood']}, marginal reliability={stats['marginal_reliability']}"
        )
    full_form = document["classification"]["full_form"]
    print(
        f"  norms: {len(document['norms']['groups'])} adult groups, default "
        f"{document['norms']['groups']['adults']['label']}; full form: consistency "
        f"{full_form['consistency']}, accuracy {full_form['accuracy']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
