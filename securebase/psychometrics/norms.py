"""Percentile norms of EAP thetas for adults (18+), overall and by gender and age band.

The quiz is for adults, so every norm group is drawn from the calibration respondents with a
plausible age of at least 18 (:data:`ADULT_AGE`); the 13-17 year olds in the data and the few
rows without a usable age take part in the item calibration but in no norm group. The default
group, used when a person does not say their gender or age, is all those adults.

Norms are stored as quantile tables (the theta at every whole percent) rather than as raw
thetas, so the bank file stays small and ships no individual data. A lookup interpolates the
table; tied quantiles (many respondents give the most extreme answers and share the same EAP)
are merged into one knot at their mean percent, which gives the mid-rank percentile for ties.
Groups smaller than :data:`MIN_GROUP_SIZE` are not stored and a request falls back to the next
broader group: gender x age band -> age band -> gender -> all adults.

Each group also carries a :class:`NormSample`, the plain facts a result needs to say who it
is compared with: how many people, the share of women, the median age, the share of each style
in the group and where the answers come from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.styles import STYLES

DIMENSIONS = ("anxiety", "avoidance")
GENDERS = ("female", "male", "other")
MIN_GROUP_SIZE = 500
PERCENTS = tuple(range(0, 101))
#: Youngest age in any norm group; the quiz is for adults.
ADULT_AGE = 18
#: Adult age bands as (key, lowest age, highest age). The top band is open ("55+") because
#: fewer than 500 respondents were 65 or older, too few for a group of their own.
_BAND_LIMITS: tuple[tuple[str, int, int], ...] = (
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55+", 55, 100),
)
#: The age bands a person can choose, youngest first (the keys ``age_band`` accepts).
ADULT_AGE_BANDS: tuple[str, ...] = tuple(key for key, _, _ in _BAND_LIMITS)
#: Storage key of the default group: every respondent aged 18 or over.
DEFAULT_GROUP = "adults"
_GENDER_NOUNS = {"female": "women", "male": "men", "other": "people of another gender"}


def age_band(age: int | None) -> str | None:
    """Key of the adult age band containing ``age``; ``None`` if unknown, under 18 or > 100."""
    if age is None:
        return None
    for key, low, high in _BAND_LIMITS:
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
    noun = _GENDER_NOUNS[gender] if gender is not None else "adults"
    if band is None:
        return f"{noun} {ADULT_AGE}+ {count}"
    return f"{noun} {_band_words(band)} {count}"


def group_key(gender: str | None, band: str | None) -> str:
    """Storage key of a norm group: "adults", "female", "18-24" or "female/18-24"."""
    if gender is None and band is None:
        return DEFAULT_GROUP
    return "/".join(part for part in (gender, band) if part is not None)


@dataclass(frozen=True)
class NormSample:
    """Who a norm group is: the facts behind "compared with ..." on a result.

    ``share_women`` is the share (0..1) of the group's respondents who said they are women
    (people who gave no gender count in the denominator), ``median_age`` their median age, and
    ``style_shares`` the share (0..1) of the group in each quadrant by the group's own full-form
    scores (machine style names). ``source`` says in one phrase where the answers come from.
    """

    key: str
    label: str
    n: int
    share_women: float
    median_age: float
    style_shares: dict[str, float]
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "key": self.key,
            "label": self.label,
            "n": self.n,
            "share_women": self.share_women,
            "median_age": self.median_age,
            "style_shares": dict(self.style_shares),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NormSample:
        """Inverse of :meth:`to_dict` (a stored result's sample)."""
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            n=int(data["n"]),
            share_women=float(data["share_women"]),
            median_age=float(data["median_age"]),
            style_shares={style: float(data["style_shares"][style]) for style in STYLES},
            source=str(data["source"]),
        )


@dataclass(frozen=True)
class NormTable:
    """Quantile table of one norm group, with interpolation knots for both dimensions."""

    key: str
    label: str
    n: int
    quantiles: Mapping[str, tuple[float, ...]]
    knots: Mapping[str, tuple[FloatArray, FloatArray]]
    sample: NormSample

    @classmethod
    def from_quantiles(
        cls,
        sample: NormSample,
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
        return cls(sample.key, sample.label, sample.n, stored, knots, sample)

    def percentile(self, dimension: str, theta: float) -> float:
        """Percent of the group with a lower theta (mid-rank for ties), in [0, 100]."""
        xs, ps = self.knots[dimension]
        return float(np.interp(theta, xs, ps))

    def percentiles(self, dimension: str, thetas: FloatArray) -> FloatArray:
        """:meth:`percentile` of many thetas at once."""
        xs, ps = self.knots[dimension]
        result: FloatArray = np.interp(np.asarray(thetas, dtype=np.float64), xs, ps)
        return result


def _check_choice(gender: str | None, age: int | None, band: str | None) -> str | None:
    """Validate the person's answers and return the age band they point to (if any)."""
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"gender must be one of {GENDERS} or None, got {gender!r}")
    if age is not None and (isinstance(age, bool) or not isinstance(age, (int, np.integer))):
        raise ValueError(f"age must be an integer or None, got {age!r}")
    if band is not None:
        if band not in ADULT_AGE_BANDS:
            raise ValueError(f"age_band must be one of {ADULT_AGE_BANDS} or None, got {band!r}")
        return band
    return age_band(None if age is None else int(age))


@dataclass(frozen=True)
class NormSet:
    """All stored norm groups, and the fallback rule that picks one for a person."""

    tables: Mapping[str, NormTable]

    def select(
        self, gender: str | None = None, age: int | None = None, age_band: str | None = None
    ) -> NormTable:
        """Most specific stored group for the person (see the module docstring).

        ``age_band`` (one of :data:`ADULT_AGE_BANDS`) wins over ``age``; an age under 18 or
        over 100 counts as not given, so such a person is compared with all adults.
        """
        band = _check_choice(gender, age, age_band)
        for candidate in ((gender, band), (None, band), (gender, None), (None, None)):
            table = self.tables.get(group_key(*candidate))
            if table is not None:
                return table
        raise KeyError("the bank has no norm table for all adults")

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> NormSet:
        """Load the "norms" section of the bank file."""
        percents = document["percents"]
        tables: dict[str, NormTable] = {}
        for key, group in document["groups"].items():
            facts = {"key": key, "label": group["label"], "n": group["n"]}
            sample = NormSample.from_dict(
                {**group["sample"], **facts, "source": document["source"]}
            )
            tables[key] = NormTable.from_quantiles(sample, percents, group["quantiles"])
        return cls(tables)


def build_norms(
    thetas: Mapping[str, FloatArray],
    gender: NDArray[np.str_],
    age: FloatArray,
    styles: Sequence[str],
    *,
    source: str,
    min_group_size: int = MIN_GROUP_SIZE,
    decimals: int = 3,
) -> dict[str, Any]:
    """The bank's "norms" section: a table and a sample description per adult group.

    ``thetas`` maps each dimension to the full-form EAPs of the calibration sample, ``styles``
    holds each respondent's full-form style; ``age`` is NaN where unknown and ``gender`` is ""
    where unknown. Only respondents aged 18..100 enter a group, and only groups with at least
    ``min_group_size`` of them are stored.
    """
    known_age = np.where(np.isnan(age), -1, age).astype(np.int64)
    bands = np.array([age_band(int(value)) or "" for value in known_age])
    adult = bands != ""
    style_array = np.asarray(styles)
    groups: dict[str, Any] = {}
    for gender_choice in (None, *GENDERS):
        for band_choice in (None, *ADULT_AGE_BANDS):
            mask = adult.copy()
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
            groups[group_key(gender_choice, band_choice)] = {
                "label": group_label(gender_choice, band_choice, n),
                "n": n,
                "sample": {
                    "share_women": round(float(np.mean(gender[mask] == "female")), 4) + 0.0,
                    "median_age": float(np.median(age[mask])),
                    "style_shares": {
                        style: round(float(np.mean(style_array[mask] == style)), 4) + 0.0
                        for style in STYLES
                    },
                },
                "quantiles": quantiles,
            }
    return {
        "default_group": DEFAULT_GROUP,
        "adult_age": ADULT_AGE,
        "age_bands": list(ADULT_AGE_BANDS),
        "source": source,
        "min_group_size": min_group_size,
        "percents": list(PERCENTS),
        "groups": groups,
    }
