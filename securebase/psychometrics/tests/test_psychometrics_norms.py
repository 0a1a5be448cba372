"""Norm groups: adults 18+ by default, one group for every answer to the optional step."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from securebase.psychometrics import ADULT_AGE_BANDS, STYLES, item_bank, score
from securebase.psychometrics.norms import (
    DEFAULT_GROUP,
    GENDERS,
    MIN_GROUP_SIZE,
    age_band,
    build_norms,
)


def test_no_answer_compares_with_all_adults() -> None:
    bank = item_bank()
    table = bank.norms.select()
    assert table.key == DEFAULT_GROUP == "adults"
    assert table.label == f"adults 18+ (n={table.n:,})"
    assert MIN_GROUP_SIZE <= table.n < bank.n_respondents  # the 13-17 year olds are left out
    result = score({})
    assert result.norm_group == table.label
    assert result.norm_sample == table.sample
    sample = table.sample
    assert sample.key == "adults" and sample.n == table.n
    assert 0.5 < sample.share_women < 0.8  # online volunteers: mostly women
    assert 18 <= sample.median_age < 35
    assert set(sample.style_shares) == set(STYLES)
    assert sum(sample.style_shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert "openpsychometrics.org" in sample.source
    assert result.to_dict()["norm_sample"] == sample.to_dict()


@pytest.mark.parametrize(
    ("gender", "band"), list(itertools.product((None, *GENDERS), (None, *ADULT_AGE_BANDS)))
)
def test_every_answer_to_the_optional_step_gets_a_fitting_group(
    gender: str | None, band: str | None
) -> None:
    """The most specific stored group: gender x band -> band -> gender -> all adults."""
    tables = item_bank().norms.tables
    result = score({}, gender=gender, age_band=band)
    expected = next(
        key
        for key in (
            "/".join(part for part in (gender, band) if part) or "adults",
            band or "adults",
            gender or "adults",
            "adults",
        )
        if key in tables
    )
    assert result.norm_sample is not None and result.norm_sample.key == expected
    assert result.norm_group == tables[expected].label
    nouns = {"female": "women ", "male": "men ", "other": "adults ", None: "adults "}
    assert result.norm_group.startswith(nouns[gender])
    if band is not None:  # every band has a group of its own (with or without the gender)
        assert band in expected
        words = "aged 55 and over" if band == "55+" else "aged " + band.replace("-", "\u2013")
        assert words in result.norm_group
    if gender in ("female", "male"):
        assert result.norm_sample.share_women == (1.0 if gender == "female" else 0.0)


def test_shipped_groups() -> None:
    tables = item_bank().norms.tables
    assert set(ADULT_AGE_BANDS) <= set(tables)
    assert {"female", "male"} <= set(tables)
    assert "other" not in tables  # fewer than MIN_GROUP_SIZE adults said "another gender"
    assert all(table.n >= MIN_GROUP_SIZE for table in tables.values())
    assert score({}, gender="female", age_band="25-34").norm_group.startswith(
        "women aged 25\u201334 (n="
    )
    assert score({}, age_band="55+").norm_group.startswith("adults aged 55 and over (n=")


def test_age_is_an_alternative_to_the_band() -> None:
    assert (
        score({}, gender="male", age=30).norm_group
        == score({}, gender="male", age_band="25-34").norm_group
    )
    assert score({}, age=70).norm_sample == score({}, age_band="55+").norm_sample
    for too_young_or_unknown in (7, 15, 17, 101, None):
        assert score({}, age=too_young_or_unknown).norm_sample.key == "adults"  # type: ignore[union-attr]
    assert age_band(17) is None and age_band(18) == "18-24" and age_band(100) == "55+"


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ({"gender": "f"}, "gender"),
        ({"gender": "prefer not to say"}, "gender"),
        ({"age": 27.5}, "age"),
        ({"age_band": "13-17"}, "age_band"),
        ({"age_band": "65+"}, "age_band"),
    ],
)
def test_invalid_choices_are_rejected(arguments: dict, fragment: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=fragment):
        score({}, **arguments)


def test_build_norms_leaves_out_minors_and_small_groups() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    age = rng.integers(13, 40, n).astype(np.float64)
    age[:50] = np.nan
    gender = rng.choice(np.array(["female", "male", "other", ""]), n, p=[0.6, 0.3, 0.05, 0.05])
    thetas = {"anxiety": rng.standard_normal(n), "avoidance": rng.standard_normal(n)}
    styles = list(rng.choice(np.array(STYLES), n))
    section = build_norms(thetas, gender, age, styles, source="test data", min_group_size=400)
    adults = age >= 18
    groups = section["groups"]
    assert groups["adults"]["n"] == int(adults.sum())
    assert groups["adults"]["sample"]["median_age"] == float(np.median(age[adults]))
    assert groups["adults"]["sample"]["share_women"] == pytest.approx(
        np.mean(gender[adults] == "female"), abs=1e-4
    )
    assert all(group["n"] >= 400 for group in groups.values())
    assert "other" not in groups and "13-17" not in groups
    assert section["source"] == "test data" and section["age_bands"] == list(ADULT_AGE_BANDS)
    expected = np.percentile(thetas["anxiety"][adults], range(101))
    assert np.allclose(groups["adults"]["quantiles"]["anxiety"], expected, atol=1e-3)
