"""Reliable change between two sittings (:mod:`securebase.psychometrics.change`)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from securebase.psychometrics import AdaptiveTest, Result, item_bank, score
from securebase.psychometrics.change import (
    VERDICTS,
    critical_value,
    reliable_change,
    style_differs_probability,
    verdict,
)
from securebase.psychometrics.classification import simulate_answers

BANK = item_bank()


def _answers_at(anxiety: float, avoidance: float, seed: int = 0) -> dict[int, int]:
    """All 36 answers of a person at these true thetas, drawn from the GRM."""
    rng = np.random.default_rng(seed)
    row = simulate_answers(np.array([[anxiety, avoidance]]), BANK, rng)[0]
    return {number: int(row[number - 1]) for number in range(1, 37)}


def _quick(answers: dict[int, int]) -> Result:
    """Quick-test result of a person who would answer every item as in ``answers``."""
    test = AdaptiveTest()
    while (item := test.next_item()) is not None:
        test.answer(item, answers[item])
    return test.result()


def _extreme(keyed_high: bool) -> dict[int, int]:
    """Every item answered at the end that means high (or low) on its dimension."""
    high, low = (5, 1) if keyed_high else (1, 5)
    return {item.number: low if item.reverse else high for item in BANK.items}


def test_critical_value_and_verdicts() -> None:
    assert critical_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert verdict(2.0) == "higher"
    assert verdict(-2.0) == "lower"
    assert verdict(1.9) == "within"
    assert verdict(1.9, level=0.90) == "higher"
    with pytest.raises(ValueError):
        critical_value(1.0)


@pytest.mark.parametrize("form", ["full", "quick"])
def test_identical_answers_are_within_precision(form: str) -> None:
    answers = _answers_at(0.8, -0.4)
    result = score(answers) if form == "full" else _quick(answers)
    change = reliable_change(result, result)
    for dimension in (change.anxiety, change.avoidance):
        assert dimension.difference == 0.0
        assert dimension.statistic == 0.0
        assert dimension.verdict == "within"
        low, high = dimension.percentile_change_interval
        assert low < 0.0 < high
    assert not change.label_changed


@pytest.mark.parametrize(
    ("earlier_form", "later_form"),
    [("full", "full"), ("quick", "full"), ("full", "quick"), ("quick", "quick")],
)
def test_extreme_opposite_answers_are_reliable_change(earlier_form: str, later_form: str) -> None:
    low, high = _extreme(keyed_high=False), _extreme(keyed_high=True)
    earlier = score(low) if earlier_form == "full" else _quick(low)
    later = score(high) if later_form == "full" else _quick(high)
    up = reliable_change(earlier, later)
    assert (up.anxiety.verdict, up.avoidance.verdict) == ("higher", "higher")
    assert up.anxiety.percentile_change > 50.0
    assert up.anxiety.percentile_change_interval[0] > 0.0
    assert up.earlier_style == "secure" and up.later_style == "disorganized"
    assert up.style_differs_probability > 0.99
    down = reliable_change(later, earlier)
    assert (down.anxiety.verdict, down.avoidance.verdict) == ("lower", "lower")
    assert down.anxiety.statistic == pytest.approx(-up.anxiety.statistic)


def test_mixed_forms_of_one_answer_set_are_within_precision() -> None:
    """The quick test and the full form of the same answers never disagree reliably."""
    for seed, (anxiety, avoidance) in enumerate([(0.0, 0.0), (1.5, -1.2), (-1.8, 2.0)]):
        answers = _answers_at(anxiety, avoidance, seed)
        change = reliable_change(_quick(answers), score(answers))
        assert change.anxiety.verdict == "within", (anxiety, avoidance)
        assert change.avoidance.verdict == "within", (anxiety, avoidance)


def test_one_dimension_changes_alone() -> None:
    calm = _extreme(keyed_high=False)
    worried = dict(calm)
    for item in BANK.dimension_items("anxiety"):
        worried[item.number] = 1 if item.reverse else 5
    change = reliable_change(score(calm), score(worried))
    assert change.anxiety.verdict == "higher"
    assert change.avoidance.verdict == "within"
    assert change.avoidance.difference == 0.0


def test_style_differs_probability_is_about_true_positions() -> None:
    """A person on a dividing line keeps a real chance of a different quadrant with no change."""
    middle = score(dict.fromkeys(range(1, 37), 3))
    chance = style_differs_probability(middle, middle)
    assert 0.2 < chance < 1.0
    certain = score(_extreme(keyed_high=True))
    assert style_differs_probability(certain, certain) < 0.02


def test_percentiles_read_against_the_later_norm_group() -> None:
    answers = _answers_at(0.3, 0.3)
    earlier = score(answers, gender="female", age_band="18-24")
    later = score(answers)
    change = reliable_change(earlier, later)
    assert change.anxiety.percentile_change == 0.0


def test_to_dict_is_json_and_complete() -> None:
    change = reliable_change(score(_answers_at(-1.0, 1.0)), score(_answers_at(1.0, -1.0, 1)))
    data = json.loads(json.dumps(change.to_dict()))
    assert data["anxiety"]["verdict"] in VERDICTS
    assert set(data) == {
        "anxiety",
        "avoidance",
        "earlier_style",
        "later_style",
        "label_changed",
        "style_differs_probability",
        "level",
    }
    assert len(data["avoidance"]["percentile_change_interval"]) == 2
