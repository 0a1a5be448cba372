"""EM calibration: parameter recovery, missing data, subsets and a deterministic bank file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from securebase.psychometrics.bank import BANK_PATH, ItemBank, item_bank, load_bank
from securebase.psychometrics.calibrate import REGENERATE_COMMAND, calibrate_document, dumps_bank
from securebase.psychometrics.calibration import MISSING, fit_grm, keyed_categories
from securebase.psychometrics.data import EcrData
from securebase.psychometrics.grm import simulate_categories


def _true_parameters(n_items: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    a = rng.uniform(0.8, 3.0, n_items)
    start = rng.uniform(-2.0, 0.0, n_items)
    b = np.cumsum(np.column_stack([start, rng.uniform(0.3, 1.2, (n_items, 3))]), axis=1)
    return a, b


def test_em_recovers_known_parameters_with_missing_answers() -> None:
    rng = np.random.default_rng(20180301)
    a, b = _true_parameters(10, rng)
    categories = simulate_categories(rng.standard_normal(4000), a, b, rng)
    categories[rng.random(categories.shape) < 0.05] = MISSING
    fit = fit_grm(categories)
    assert fit.converged
    assert np.corrcoef(fit.a, a)[0, 1] > 0.95
    assert np.corrcoef(fit.b.ravel(), b.ravel())[0, 1] > 0.99
    assert abs(np.mean(fit.a - a)) < 0.1
    assert abs(np.mean(fit.b - b)) < 0.05
    assert np.max(np.abs(fit.b - b)) < 0.35
    assert np.all(np.diff(fit.b, axis=1) > 0)
    assert 0.8 < fit.marginal_reliability < 1.0
    assert np.allclose(
        fit.expected_category_proportions(), fit.observed_category_proportions(), atol=0.03
    )


def test_em_is_deterministic_and_warm_start_is_a_fixed_point() -> None:
    rng = np.random.default_rng(1)
    a, b = _true_parameters(6, rng)
    categories = simulate_categories(rng.standard_normal(1500), a, b, rng)
    first, second = fit_grm(categories), fit_grm(categories)
    assert np.array_equal(first.a, second.a) and np.array_equal(first.b, second.b)
    again = fit_grm(categories, start=(first.a, first.b), max_iter=2)
    assert np.max(np.abs(again.a - first.a)) < 1e-3
    assert np.max(np.abs(again.b - first.b)) < 1e-3


def test_keyed_categories() -> None:
    responses = np.array([[1, 5, 0], [3, 2, 4]])
    keyed = keyed_categories(responses, [False, True, True])
    assert keyed.tolist() == [[0, 0, MISSING], [2, 3, 1]]


def _simulated_ecr(n: int, seed: int) -> EcrData:
    """A fake calibration file drawn from the committed bank's parameters."""
    bank = item_bank()
    rng = np.random.default_rng(seed)
    responses = np.zeros((n, 36), dtype=np.int8)
    for dimension in ("anxiety", "avoidance"):
        a, b = bank.parameters(dimension)
        items = bank.dimension_items(dimension)
        keyed = simulate_categories(rng.standard_normal(n), a, b, rng) + 1
        for j, item in enumerate(items):
            responses[:, item.number - 1] = 6 - keyed[:, j] if item.reverse else keyed[:, j]
    ages = rng.integers(13, 70, n).astype(np.float64)
    genders = rng.choice(np.array(["female", "male", "other", ""]), n, p=[0.7, 0.25, 0.03, 0.02])
    return EcrData(responses, ages, genders)


@pytest.mark.research
def test_calibrated_document_is_deterministic_and_loadable() -> None:
    with open(BANK_PATH, encoding="utf-8") as handle:
        base = json.load(handle)
    data = _simulated_ecr(1600, seed=5)
    rows = np.arange(0, 1600, 2)
    first = dumps_bank(calibrate_document(base, data, rows=rows, classification_simulees=2000))
    second = dumps_bank(calibrate_document(base, data.subset(rows), classification_simulees=2000))
    assert first == second
    bank = ItemBank.from_document(json.loads(first))
    assert bank.n_respondents == 800
    assert bank.items[0].text == item_bank().items[0].text
    adults = data.subset(rows).age >= 18
    assert bank.norms.select().n == int(adults.sum()) < 800  # norms are for adults only
    assert set(bank.norms.tables) == {"adults", "female"}  # the only groups with >= 500 people
    assert bank.norms.select().sample.source == bank.norms.select("female").sample.source
    assert bank.document["classification"]["n_simulees"] == 2000


def test_committed_bank_file() -> None:
    bank = item_bank()
    assert bank is item_bank() and load_bank().items == bank.items
    assert [item.number for item in bank.items] == list(range(1, 37))
    assert all(
        item.dimension == ("avoidance" if item.number % 2 else "anxiety") for item in bank.items
    )
    assert (
        bank.item(7).text == "I get uncomfortable when a romantic partner wants to be very close."
    )
    with pytest.raises(KeyError):
        bank.item(37)
    assert bank.response_labels == (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    )
    assert "Brennan" in bank.citation and bank.version
    assert bank.n_respondents == 41491
    assert all(item.a > 0 and list(item.b) == sorted(item.b) for item in bank.items)
    assert bank.calibration["regenerate"] == REGENERATE_COMMAND
    assert bank.calibration["data_release"] == "2018-03-01"
    assert all(stats["converged"] for stats in bank.calibration["dimensions"].values())
    assert set(bank.cuts) == {"anxiety", "avoidance"}
    population = bank.population
    counts = np.array(population["counts"])
    assert counts.shape == (24, 24) and counts.sum() == bank.n_respondents
    assert len(population["avoidance_edges"]) == len(population["anxiety_edges"]) == 25
    assert sum(population["style_shares"].values()) == pytest.approx(1.0, abs=1e-3)
    population["counts"].clear()
    assert len(bank.population["counts"]) == 24  # handed-out sections are copies
    assert BANK_PATH.read_text(encoding="utf-8") == dumps_bank(
        json.loads(BANK_PATH.read_text("utf-8"))
    )
