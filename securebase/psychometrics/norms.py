"""Percentile norms of EAP thetas, overall and by gender and age band.

Norms are stored as quantile tables (the theta at every whole percent) rather than as raw
thetas, so the bank file stays small and ships no individual data. A lookup interpolates the
table; tied quantiles (many respondents give the most extreme answers and share the same EAP)
are merged into one knot at their mean percent, which gives the mid-rank percentile for ties.
Groups smaller than :data:`MIN_GROUP_SIZE` are not stored and a request falls back to the next
broader group: gender x age band -> gender -> age band -> everybody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.grm import FloatArray

DIMENSIONS = ("anxiety", "avoidance")
GENDERS = ("female", "male", "other")
MIN_GROUP_SIZE = 500
PERCENTS = tuple(range(0, 101))
#: Age bands as (key, lowest age, highest age); ages outside 13..100 count as unknown.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("13-17", 13, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55+", 55, 100),
)
_GENDER_NOUNS = {"female": "women", "male": "men", "other": "people of another gender"}


def age_band(age: int | None) -> str | None:
    """Key of the age band containing ``age``, or ``None`` if unknown or out of range."""
    if age is None:
        return None
    for key, low, high in AGE_BANDS:
        if low <= age <= high:
            return key
    return None


def _band_words(band: str) -> str:
    if band.endswith("+"):
        return f"aged {band[:-1]} and over"
    low, high = band.split("-")
    return f"aged {low}\u2013{high}"


def group_label(gender: str | None, band: str | None, n: int) -> str:
    """Human-readable name of a norm group, e.g. "women aged 25\u201334 (n=6,464)"."""
    count = f"(n={n:,})"
    if gender is None and band is None:
        return f"all respondents {count}"
    noun = _GENDER_NOUNS[gender] if gender is not None else "respondents"
    return f"{noun} {_band_words(band)} {count}" if band is not None else f"{noun} {count}"


def group_key(gender: str | None, band: str | None) -> str:
    """Storage key of a norm group: "all", "female", "18-24" or "female/18-24"."""
    if gender is None and band is None:
        return "all"
    return "/".join(part for part in (gender, band) if part is not None)


@dataclass(frozen=True)
class NormTable:
    """Quantile table of one norm group, with interpolation knots for both dimensions."""

    key: str
    label: str
    n: int
    quantiles: Mapping[str, tuple[float, ...]]
    knots: Mapping[str, tuple[FloatArray, FloatArray]]

    @classmethod
    def from_quantiles(
        cls,
        key: str,
        label: str,
        n: int,
        percents: Sequence[float],
        quantiles: Mapping[str, Sequence[float]],
    ) -> NormTable:
        """Build the lookup knots, merging tied quantiles into their mean percent."""
        knots: dict[str, tuple[FloatArray, FloatArray]] = {}
        stored: dict[str, tuple[float, ...]] = {}
        for dimension in DIMENSIONS:
            values = np.asarray(quantiles[dimension], dtype=np.float64)
            unique, inverse = np.unique(values, return_inverse=True)
            weights = np.asarray(percents, dtype=np.float64)
            mean_percent: FloatArray = np.bincount(inverse, weights=weights) / np.bincount(inverse)
            knots[dimension] = (unique, mean_percent)
            stored[dimension] = tuple(float(v) for v in values)
        return cls(key, label, n, stored, knots)

    def percentile(self, dimension: str, theta: float) -> float:
        """Percent of the group with a lower theta (mid-rank for ties), in [0, 100]."""
        xs, ps = self.knots[dimension]
        return float(np.interp(theta, xs, ps))


@dataclass(frozen=True)
class NormSet:
    """All stored norm groups, and the fallback rule that picks one for a person."""

    tables: Mapping[str, NormTable]

    def select(self, gender: str | None = None, age: int | None = None) -> NormTable:
        """Most specific stored group for ``gender`` and ``age`` (see module docstring)."""
        if gender is not None and gender not in GENDERS:
            raise ValueError(f"gender must be one of {GENDERS} or None, got {gender!r}")
        if age is not None and (isinstance(age, bool) or not isinstance(age, (int, np.integer))):
            raise ValueError(f"age must be an integer or None, got {age!r}")
        band = age_band(None if age is None else int(age))
        for candidate in ((gender, band), (gender, None), (None, band), (None, None)):
            table = self.tables.get(group_key(*candidate))
            if table is not None:
                return table
        raise KeyError("the bank has no overall norm table")

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> NormSet:
        """Load the "norms" section of the bank file."""
        percents = document["percents"]
        tables = {
            key: NormTable.from_quantiles(
                key, group["label"], group["n"], percents, group["quantiles"]
            )
            for key, group in document["groups"].items()
        }
        return cls(tables)


def build_norms(
    thetas: Mapping[str, FloatArray],
    gender: NDArray[np.str_],
    age: FloatArray,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    decimals: int = 3,
) -> dict[str, Any]:
    """Quantile tables for every group with at least ``min_group_size`` respondents.

    ``thetas`` maps each dimension to the full-form EAPs of the norm sample; ``age`` is NaN
    where unknown and ``gender`` is "" where unknown.
    """
    bands = np.array([age_band(None if np.isnan(value) else int(value)) or "" for value in age])
    groups: dict[str, Any] = {}
    for gender_choice in (None, *GENDERS):
        for band_choice in (None, *(key for key, _, _ in AGE_BANDS)):
            mask = np.ones(len(gender), dtype=bool)
            if gender_choice is not None:
                mask &= gender == gender_choice
            if band_choice is not None:
                mask &= bands == band_choice
            n = int(mask.sum())
            if n < min_group_size:
                continue
            quantiles = {
                dimension: [
                    round(float(value), decimals) + 0.0
                    for value in np.percentile(thetas[dimension][mask], PERCENTS)
                ]
                for dimension in DIMENSIONS
            }
            key = group_key(gender_choice, band_choice)
            groups[key] = {
                "label": group_label(gender_choice, band_choice, n),
                "n": n,
                "quantiles": quantiles,
            }
    return {"min_group_size": min_group_size, "percents": list(PERCENTS), "groups": groups}
