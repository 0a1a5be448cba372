"""Checks against the real calibration file; skipped when ../shared/data/ecr is absent."""

from __future__ import annotations

import numpy as np
import pytest

from securebase.psychometrics.bank import item_bank
from securebase.psychometrics.calibrate import residual_correlations
from securebase.psychometrics.calibration import fit_grm, keyed_categories
from securebase.psychometrics.data import EcrData, default_data_path, load_ecr_csv
from securebase.psychometrics.norms import DIMENSIONS, MIN_GROUP_SIZE
from securebase.psychometrics.scoring import scorer_for
from securebase.psychometrics.styles import style_of

DATA_PATH = default_data_path()
pytestmark = [
    pytest.mark.research,
    pytest.mark.skipif(DATA_PATH is None, reason="ECR calibration data not available"),
]


@pytest.fixture(scope="module")
def data() -> EcrData:
    assert DATA_PATH is not None
    return load_ecr_csv(DATA_PATH)


def test_file_matches_its_description(data: EcrData) -> None:
    assert data.n == item_bank().n_respondents == 41491
    assert int((data.responses == 0).any(axis=1).sum()) == 3954
    assert np.nanmin(data.age) >= 13 and np.nanmax(data.age) <= 100


def test_tcc_cut_agrees_with_the_classical_midpoint_rule(data: EcrData) -> None:
    bank = item_bank()
    complete = data.responses[(data.responses > 0).all(axis=1)]
    reverse = np.array([item.reverse for item in bank.items])
    keyed = np.where(reverse, 6 - complete, complete)
    dims = np.array([item.dimension for item in bank.items])
    classical = [
        style_of(bool(anx), bool(avo))
        for anx, avo in zip(
            keyed[:, dims == "anxiety"].mean(axis=1) >= 3,
            keyed[:, dims == "avoidance"].mean(axis=1) >= 3,
            strict=True,
        )
    ]
    scorer = scorer_for(bank)
    eap, _, p_high = scorer.batch(complete)
    by_cut = scorer.styles_from_thetas(eap)
    by_probability = scorer.styles(p_high)
    assert np.mean([c == s for c, s in zip(classical, by_cut, strict=True)]) >= 0.92
    assert np.mean([c == s for c, s in zip(classical, by_probability, strict=True)]) >= 0.92


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_committed_parameters_are_the_em_solution_for_this_file(
    data: EcrData, dimension: str
) -> None:
    """Two EM cycles started at the committed parameters barely move them (a fixed point)."""
    bank = item_bank()
    items = bank.dimension_items(dimension)
    columns = [item.number - 1 for item in items]
    categories = keyed_categories(data.responses[:, columns], [item.reverse for item in items])
    a, b = bank.parameters(dimension)
    fit = fit_grm(categories, start=(a, b), max_iter=2)
    assert np.max(np.abs(fit.a - a)) < 2e-3
    assert np.max(np.abs(fit.b - b)) < 2e-3
    stats = bank.calibration["dimensions"][dimension]
    assert fit.log_likelihood == pytest.approx(stats["log_likelihood"], abs=1.0)


def test_committed_norms_are_the_full_form_eaps_of_the_adults_in_this_file(data: EcrData) -> None:
    bank = item_bank()
    scorer = scorer_for(bank)
    eap, _, p_high = scorer.batch(data.responses)
    adults = data.age >= 18  # NaN (unknown age) compares False
    overall = bank.norms.select()
    assert overall.n == int(adults.sum()) == 34860
    for d, dimension in enumerate(DIMENSIONS):
        expected = np.percentile(eap[adults, d], range(101))
        assert np.allclose(overall.quantiles[dimension], expected, atol=1e-3)
    sample = overall.sample
    assert sample.share_women == pytest.approx(np.mean(data.gender[adults] == "female"), abs=1e-4)
    assert sample.median_age == np.median(data.age[adults])
    styles = np.array(scorer.styles(p_high))[adults]
    for style, share in sample.style_shares.items():
        assert share == pytest.approx(np.mean(styles == style), abs=1e-4)
    # Why the top band is "55+" and why "another gender" has no group
    # (docs/research/method-norms-ranges-classification.md).
    assert int((data.age >= 65).sum()) < MIN_GROUP_SIZE <= int((data.age >= 55).sum())
    assert int((adults & (data.gender == "other")).sum()) < MIN_GROUP_SIZE
    women_25_34 = bank.norms.select("female", age_band="25-34")
    in_group = (data.gender == "female") & (data.age >= 25) & (data.age <= 34)
    assert women_25_34.n == int(in_group.sum())
    expected = np.percentile(eap[in_group, 0], range(101))
    assert np.allclose(women_25_34.quantiles["anxiety"], expected, atol=1e-3)


def test_committed_local_dependence_is_the_q3_of_this_file(data: EcrData) -> None:
    bank = item_bank()
    complete = data.responses[(data.responses > 0).all(axis=1)]
    q3 = residual_correlations(scorer_for(bank), complete)
    assert bank.document["local_dependence"]["n_complete"] == len(complete)
    assert np.max(np.abs(q3 - bank.local_dependence)) <= 5e-4 + 1e-9
