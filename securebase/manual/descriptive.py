"""The calibration sample and classical item statistics (chapters 3 and 4).

Classical statistics use the keyed answers (reverse-keyed items scored ``6 - x``) of the
respondents who answered every item of the dimension, the usual complete-case convention for
alpha and item-rest correlations; category use is reported over everybody who answered the item.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.manual.bank_facts import r
from securebase.manual.source import Inputs
from securebase.psychometrics.bank import ItemBank
from securebase.psychometrics.norms import DIMENSIONS

#: Age bands of the sample chapter (the raw data has 13-17 year olds; norms are adults only).
SAMPLE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("13-17", 13, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
)
SAMPLE_BANDS += (("45-54", 45, 54), ("55-64", 55, 64), ("65+", 65, 100))


def keyed_matrix(bank: ItemBank, responses: NDArray[np.integer]) -> NDArray[np.float64]:
    """Keyed answers 1..5 as floats, NaN where not answered, shape (n, 36)."""
    clicked = np.asarray(responses, dtype=np.float64)
    reverse = np.array([item.reverse for item in bank.items])
    keyed = np.where(reverse[None, :], 6.0 - clicked, clicked)
    return np.where(clicked == 0, np.nan, keyed)


def dimension_columns(bank: ItemBank, dimension: str) -> list[int]:
    """Zero-based columns of a dimension's items, in item-number order."""
    return [item.number - 1 for item in bank.dimension_items(dimension)]


def sample_facts(inputs: Inputs) -> dict[str, Any]:
    """n, missing answers, gender, age and countries of the calibration file."""
    data = inputs.data
    answered = data.responses > 0
    missing_per_item = 1.0 - answered.mean(axis=0)
    ages = data.age[~np.isnan(data.age)]
    bands = [
        {"band": key, "n": int(((ages >= low) & (ages <= high)).sum())}
        for key, low, high in SAMPLE_BANDS
    ]
    countries = Counter(code for code in inputs.country.tolist() if code and code != "NONE")
    top = sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
    genders = Counter(data.gender.tolist())
    return {
        "n": data.n,
        "n_complete": int(answered.all(axis=1).sum()),
        "n_any_missing": int((~answered).any(axis=1).sum()),
        "n_no_answer_on_a_dimension": int(
            sum(
                (~answered[:, dimension_columns(inputs.bank, dimension)]).all(axis=1).sum()
                for dimension in DIMENSIONS
            )
        ),
        "missing_share_mean": r(missing_per_item.mean(), 4),
        "missing_share_max": r(missing_per_item.max(), 4),
        "missing_item_max": int(np.argmax(missing_per_item)) + 1,
        "gender": {
            key: int(genders.get(code, 0))
            for key, code in (("female", "female"), ("male", "male"), ("other", "other"))
        }
        | {"missing": int(genders.get("", 0))},
        "age_known": int(ages.size),
        "age_unknown": int(data.n - ages.size),
        "age_median": r(np.median(ages), 1),
        "age_quartiles": [r(np.percentile(ages, 25), 1), r(np.percentile(ages, 75), 1)],
        "age_bands": bands,
        "adults": int((ages >= 18).sum()),
        "n_countries": len(countries),
        "country_unknown": int(data.n - sum(countries.values())),
        "top_countries": [{"code": code, "n": count} for code, count in top],
    }


def cronbach_alpha(keyed: NDArray[np.float64]) -> float:
    """Cronbach's alpha of complete rows (n, items)."""
    k = keyed.shape[1]
    item_var = keyed.var(axis=0, ddof=1).sum()
    total_var = keyed.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1.0 - item_var / total_var))


def item_statistics(inputs: Inputs) -> dict[str, Any]:
    """Category use, mean, SD and item-rest correlation per item; alpha per dimension."""
    bank = inputs.bank
    keyed = keyed_matrix(bank, inputs.data.responses)
    rows: list[dict[str, Any]] = []
    alpha: dict[str, float] = {}
    n_complete: dict[str, int] = {}
    for dimension in DIMENSIONS:
        columns = dimension_columns(bank, dimension)
        block = keyed[:, columns]
        complete = block[~np.isnan(block).any(axis=1)]
        n_complete[dimension] = len(complete)
        alpha[dimension] = r(cronbach_alpha(complete))
        total = complete.sum(axis=1)
        for j, column in enumerate(columns):
            values = keyed[:, column]
            values = values[~np.isnan(values)]
            shares = np.bincount(values.astype(np.int64), minlength=6)[1:] / values.size
            rest = total - complete[:, j]
            rows.append(
                {
                    "number": column + 1,
                    "dimension": dimension,
                    "n": int(values.size),
                    "mean": r(values.mean(), 2),
                    "sd": r(values.std(ddof=1), 2),
                    "categories": [r(share, 3) for share in shares],
                    "item_rest": r(np.corrcoef(complete[:, j], rest)[0, 1]),
                }
            )
    rows.sort(key=lambda row: row["number"])
    return {"items": rows, "alpha": alpha, "n_complete": n_complete}
