"""Behaviour of :class:`securebase.psychometrics.AdaptiveTest`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securebase.psychometrics import AdaptiveTest, classification, score
from securebase.psychometrics.adaptive import (
    DEFAULT_FIRST_ITEMS,
    TYPICAL_LENGTH,
    TYPICAL_LENGTH_RANGE,
)
from securebase.psychometrics.adaptive_rules import (
    AdaptiveRules,
    adaptive_rules,
    quick_test_accuracy,
    quick_test_consistency,
    stopping_features,
)
from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.grm import simulate_categories

seeds = st.integers(0, 2**32 - 1)


def _respond(item: int, rng: np.random.Generator) -> int:
    return int(rng.integers(1, 6))


def _run(test: AdaptiveTest, seed: int, limit: int = 36) -> list[int]:
    rng = np.random.default_rng(seed)
    asked: list[int] = []
    while (item := test.next_item()) is not None and len(asked) < limit:
        asked.append(item)
        test.answer(item, _respond(item, rng))
    return asked


@settings(max_examples=20, deadline=None)
@given(seed=seeds)
def test_runs_to_completion_within_limits(seed: int) -> None:
    test = AdaptiveTest()
    asked = _run(test, seed)
    assert test.is_done and test.next_item() is None
    assert test.min_items <= len(asked) <= test.max_items
    assert len(set(asked)) == len(asked)
    assert test.progress() == 1.0
    shown, plain = test.result(), score(test.answers)
    # same scores and style; the certainty is widened for the quick test, not the full form
    assert shown.style == plain.style
    for part, full in ((shown.anxiety, plain.anxiety), (shown.avoidance, plain.avoidance)):
        assert (part.theta, part.percentile, part.mean, part.n_items) == (
            full.theta,
            full.percentile,
            full.mean,
            full.n_items,
        )
    assert sum(shown.style_probabilities.values()) == pytest.approx(1.0)
    assert shown.full_form_agreement is not None and plain.full_form_agreement is None


@settings(max_examples=20, deadline=None)
@given(seed=seeds, cut=st.integers(0, 10))
def test_json_round_trip_mid_test_gives_identical_next_item(seed: int, cut: int) -> None:
    test = AdaptiveTest()
    _run(test, seed, limit=cut)
    text = test.to_json()
    restored = AdaptiveTest.from_json(text)
    assert restored.next_item() == test.next_item()
    assert restored.answers == test.answers
    assert list(restored.answers) == list(test.answers)
    assert restored.to_json() == text
    assert restored.progress() == test.progress()
    assert AdaptiveTest.from_dict(json.loads(text)).to_dict() == test.to_dict()


@settings(max_examples=20, deadline=None)
@given(seed=seeds)
def test_undo_returns_to_the_same_question(seed: int) -> None:
    test = AdaptiveTest()
    history = []
    rng = np.random.default_rng(seed)
    while (item := test.next_item()) is not None:
        history.append(item)
        test.answer(item, _respond(item, rng))
    for item in reversed(history):
        assert test.undo() == item
        assert test.next_item() == item
    assert test.undo() is None
    assert test.answers == {}


def test_selection_is_deterministic() -> None:
    assert _run(AdaptiveTest(), 7) == _run(AdaptiveTest(), 7)
    assert AdaptiveTest().next_item() == AdaptiveTest().next_item()


def test_reanswering_replaces_the_value_and_becomes_latest() -> None:
    test = AdaptiveTest()
    test.answer(4, 2)
    test.answer(7, 3)
    test.answer(4, 5)
    assert test.answers == {7: 3, 4: 5}
    assert list(test.answers) == [7, 4]
    assert test.undo() == 4
    assert test.answers == {7: 3}


def test_answers_is_a_copy() -> None:
    test = AdaptiveTest()
    test.answer(1, 1)
    test.answers[2] = 5
    assert test.answers == {1: 1}


@pytest.mark.parametrize(
    ("item", "value"), [(0, 1), (37, 1), (5, 0), (5, 6), (5, 2.0), ("5", 2), (5, True)]
)
def test_answer_validation_names_the_item(item: object, value: object) -> None:
    test = AdaptiveTest()
    with pytest.raises(ValueError, match=f"item {item!r}"):
        test.answer(item, value)  # type: ignore[arg-type]
    assert test.answers == {}


def test_settings_are_keyword_arguments_and_saved() -> None:
    test = AdaptiveTest(
        max_items=6,
        min_items=2,
        se_target=0.3,
        style_confidence=0.8,
        min_per_dimension=2,
        first_items=(),
    )
    assert test.get_params()["max_items"] == 6
    assert len(_run(test, 3)) == 6
    assert AdaptiveTest.from_json(test.to_json()).get_params() == test.get_params()
    with pytest.raises(ValueError):
        AdaptiveTest(min_items=10, max_items=5)
    with pytest.raises(TypeError):
        AdaptiveTest(bogus=1)  # type: ignore[call-arg]


def test_invalid_state_is_rejected() -> None:
    state = AdaptiveTest().to_dict()
    with pytest.raises(ValueError):
        AdaptiveTest.from_dict({**state, "version": 99})
    with pytest.raises(ValueError, match="item 99"):
        AdaptiveTest.from_dict({**state, "answers": [[99, 1]]})
    with pytest.raises(ValueError, match="settings"):
        AdaptiveTest.from_dict({**state, "settings": {"bogus": 1}})
    with pytest.raises(ValueError, match="pairs"):
        AdaptiveTest.from_dict({**state, "answers": [[1, 2, 3]]})
    with pytest.raises(ValueError):
        AdaptiveTest.from_dict({"version": 1})


def test_state_is_small_and_extra_keys_are_ignored() -> None:
    test = AdaptiveTest()
    _run(test, 11)
    assert len(test.to_json()) < 600
    restored = AdaptiveTest.from_dict({**test.to_dict(), "undone": {}})
    assert restored.answers == test.answers


@settings(max_examples=10, deadline=None)
@given(seed=seeds)
def test_progress_is_a_fraction_and_reaches_one(seed: int) -> None:
    test = AdaptiveTest()
    rng = np.random.default_rng(seed)
    assert test.progress() == 0.0
    while (item := test.next_item()) is not None:
        test.answer(item, _respond(item, rng))
        assert 0.0 < test.progress() <= 1.0
        remaining = test.expected_remaining()
        answered = len(test.answers)
        assert 0 <= remaining <= test.max_items - answered
        if not test.is_done:
            assert test.progress() == answered / (answered + remaining)
    assert test.progress() == 1.0 and test.expected_remaining() == 0


def test_consistent_extreme_person_stops_early() -> None:
    test = AdaptiveTest()
    while (item := test.next_item()) is not None:
        test.answer(item, 5 if item % 2 == 0 else 1)  # very anxious, answers avoidance items 1
    assert test.result().style in {"anxious", "disorganized"}
    assert len(test.answers) < test.max_items


# -- local-dependence penalty and defaults -----------------------------------------------------


def _bank_with_q3(pairs: dict[tuple[int, int], float] | None) -> ItemBank:
    """The shipped bank with its Q3* replaced by ``pairs`` (``None``: section removed)."""
    document = dict(item_bank().document)
    if pairs is None:
        document.pop("local_dependence", None)
        return ItemBank.from_document(document)
    matrix = np.zeros((37, 37))
    for (i, j), value in pairs.items():
        matrix[i, j] = matrix[j, i] = value
    section: dict[str, object] = {"method": "test"}
    for dimension in ("anxiety", "avoidance"):
        numbers = [item.number for item in item_bank().dimension_items(dimension)]
        section[dimension] = {
            "items": numbers,
            "q3": matrix[np.ix_(numbers, numbers)].tolist(),
        }
    document["local_dependence"] = section
    return ItemBank.from_document(document)


def test_defaults_are_the_adopted_local_dependence_setting() -> None:
    params = AdaptiveTest().get_params()
    assert params == {
        "max_items": 24,
        "min_items": 8,
        "se_target": 0.6,
        "style_confidence": 0.93,
        "style_weight": 4.0,
        "misfit_variance": {"anxiety": 0.03, "avoidance": 0.025},
        "local_dependence_penalty": 1.5,
        "min_per_dimension": 4,
        "first_items": [8, 9, 18, 23, 26, 31, 14, 13],
        "stopping": "learned",
    }
    assert adaptive_rules().settings == params  # the rules were fitted for these settings
    assert AdaptiveTest().to_dict()["settings"]["local_dependence_penalty"] == 1.5
    with pytest.raises(ValueError):
        AdaptiveTest(local_dependence_penalty=-0.1)


def test_shipped_q3_matrix_is_symmetric_and_within_dimension() -> None:
    bank = item_bank()
    q3 = bank.local_dependence
    assert q3.shape == (37, 37)
    assert np.array_equal(q3, q3.T)
    assert np.all(np.diag(q3) == 0) and np.all(q3[0] == 0)
    odd = np.arange(37) % 2 == 1  # avoidance items are odd, anxiety items even
    assert np.all(q3[np.ix_(odd, ~odd)] == 0)
    assert np.any(q3 > 0.3)  # e.g. anxiety 12-16, avoidance 33-35
    assert not q3.flags.writeable


def test_bank_without_q3_loads_and_penalty_has_no_effect() -> None:
    bank = _bank_with_q3(None)
    assert np.all(bank.local_dependence == 0)
    plain = AdaptiveTest(bank=bank, local_dependence_penalty=0.0)
    penalised = AdaptiveTest(bank=bank)
    assert _run(plain, 5) == _run(penalised, 5)


def test_penalty_steers_away_from_a_locally_dependent_item() -> None:
    plain = AdaptiveTest(local_dependence_penalty=0.0, bank=_bank_with_q3({}), first_items=())
    rng = np.random.default_rng(3)
    while len({item % 2 for item in plain.answers}) < 2:  # answered items in both dimensions
        item = plain.next_item()
        assert item is not None
        plain.answer(item, int(rng.integers(1, 6)))
    target = plain.next_item()
    assert target is not None
    partner = next(item for item in plain.answers if item % 2 == target % 2)
    dependent = _bank_with_q3({(partner, target): 0.6})
    for lam, expected_same in [(0.0, True), (1.5, False)]:
        test = AdaptiveTest(bank=dependent, local_dependence_penalty=lam, first_items=())
        for item, value in plain.answers.items():
            test.answer(item, value)
        assert (test.next_item() == target) is expected_same
    # zero Q3* everywhere: the penalty changes nothing
    unpenalised = AdaptiveTest(bank=_bank_with_q3({}), first_items=())
    for item, value in plain.answers.items():
        unpenalised.answer(item, value)
    assert unpenalised.next_item() == target


def test_old_state_without_penalty_keeps_the_plain_rule() -> None:
    old_settings = {
        "max_items": 24,
        "min_items": 4,
        "se_target": 0.45,
        "style_confidence": 0.92,
        "style_weight": 4.0,
        "misfit_variance": {"anxiety": 0.075, "avoidance": 0.05},
    }
    reference = AdaptiveTest(
        **old_settings,  # type: ignore[arg-type]
        local_dependence_penalty=0.0,
        first_items=(),
        stopping="threshold",
    )
    _run(reference, 13, limit=5)
    state = {"version": 1, "settings": old_settings, "answers": reference.to_dict()["answers"]}
    restored = AdaptiveTest.from_dict(state)
    assert restored.local_dependence_penalty == 0.0
    assert restored.first_items == () and restored.stopping == "threshold"
    assert restored.get_params() == reference.get_params()
    assert restored.next_item() == reference.next_item()
    again = AdaptiveTest.from_json(restored.to_json())
    assert again.to_dict() == restored.to_dict()
    assert again.to_dict()["settings"]["local_dependence_penalty"] == 0.0


# -- at least four answers per dimension ---------------------------------------------------------


def _simulated_answers(theta: tuple[float, float], rng: np.random.Generator) -> dict[int, int]:
    """Answers as clicked to all 36 items of a person with these true thetas, from the GRM."""
    answers = {}
    for d, dimension in enumerate(("anxiety", "avoidance")):
        items = item_bank().dimension_items(dimension)
        a, b = item_bank().parameters(dimension)
        keyed = simulate_categories(np.array([theta[d]]), a, b, rng)[0] + 1
        for item, value in zip(items, keyed, strict=True):
            answers[item.number] = int(6 - value if item.reverse else value)
    return answers


def test_no_completed_session_has_fewer_than_four_answers_on_a_dimension() -> None:
    """Simulated people across the whole theta range, plus the patterns that stop soonest."""
    rng = np.random.default_rng(2024)
    people = [
        _simulated_answers((anxiety, avoidance), rng)
        for anxiety in np.linspace(-3.5, 3.5, 8)
        for avoidance in np.linspace(-3.5, 3.5, 8)
    ]
    people += [{n: 5 if n % 2 == 0 else 1 for n in range(1, 37)}]  # the anxious pattern
    people += [dict.fromkeys(range(1, 37), value) for value in (1, 5)]  # same click throughout
    for answers in people:
        test = AdaptiveTest()
        while (item := test.next_item()) is not None:
            test.answer(item, answers[item])
        result = test.result()
        assert test.is_done
        assert min(result.anxiety.n_items, result.avoidance.n_items) >= 4, test.answers


def test_the_floor_is_a_setting_and_is_checked() -> None:
    test = AdaptiveTest(min_per_dimension=6)
    _run(test, 5)
    assert min(test.result().anxiety.n_items, test.result().avoidance.n_items) >= 6
    with pytest.raises(ValueError):
        AdaptiveTest(min_per_dimension=19)
    with pytest.raises(ValueError):
        AdaptiveTest(min_per_dimension=5, max_items=9)


# -- first items, learned stopping, remaining estimate, calibrated probabilities ---------------


def test_first_items_come_first_in_order() -> None:
    test = AdaptiveTest()
    asked = _run(test, 21)
    starter = list(test.first_items)
    assert asked[: len(starter)] == starter
    assert len(asked) >= len(starter)


def test_learned_stopping_follows_the_fitted_rule() -> None:
    """After the first items, the test stops exactly where the fitted regression says so."""
    rules = adaptive_rules()
    for seed in range(8):
        test = AdaptiveTest()
        rng = np.random.default_rng(seed)
        while (item := test.next_item()) is not None:
            test.answer(item, _respond(item, rng))
            n = len(test.answers)
            if n in rules.coefficients and n < test.max_items:
                _, _, spread, p_high = test._state()
                features = stopping_features(p_high, spread, test._counts())
                assert test.is_done == bool(features @ rules.coefficients[n] <= 0)
            elif n < len(test.first_items):
                assert not test.is_done


def test_remaining_range_contains_the_estimate_and_respects_limits() -> None:
    test = AdaptiveTest()
    rng = np.random.default_rng(4)
    while (item := test.next_item()) is not None:
        low, high = test.expected_remaining_range()
        expected = test.expected_remaining()
        answered = len(test.answers)
        assert 1 <= low <= expected <= high <= test.max_items - answered
        assert low >= len(test.first_items) - answered  # the first items are still to come
        test.answer(item, _respond(item, rng))
    assert test.expected_remaining_range() == (0, 0)


def test_typical_length_is_the_measured_one() -> None:
    length = adaptive_rules().figures["length"]
    assert round(length["mean"]) == TYPICAL_LENGTH
    assert (length["p10"], length["p90"]) == TYPICAL_LENGTH_RANGE
    assert len(DEFAULT_FIRST_ITEMS) <= TYPICAL_LENGTH_RANGE[0] <= TYPICAL_LENGTH
    assert TYPICAL_LENGTH <= TYPICAL_LENGTH_RANGE[1] <= 24


def test_full_form_agreement_is_the_tempered_forecast() -> None:
    """Per dimension: the forecast P(full form on the reported side), tempered, at least 1/2;
    the figure is their product. The style probabilities are about the true position."""
    temperature = adaptive_rules().temperature
    for seed in range(6):
        test = AdaptiveTest()
        _run(test, seed)
        result = test.result()
        shown = result.style_probabilities
        _, _, _, p_forecast = test._state()
        high = {"anxiety": result.style in ("anxious", "disorganized")}
        high["avoidance"] = result.style in ("avoidant", "disorganized")
        agreement = 1.0
        for d, dimension in enumerate(("anxiety", "avoidance")):
            q = p_forecast[d] if high[dimension] else 1 - p_forecast[d]
            q = min(max(q, 1e-12), 1 - 1e-12)
            agreement *= max(1 / (1 + ((1 - q) / q) ** (1 / temperature[dimension])), 0.5)
        assert result.full_form_agreement == pytest.approx(agreement, abs=1e-9)
        assert shown[result.style] == max(shown.values())
        assert result.style == score(test.answers).style


def test_rules_file_schema_is_checked() -> None:
    with pytest.raises(ValueError, match="schema"):
        AdaptiveRules.from_document({"schema": "something else"})
    with pytest.raises(ValueError):
        AdaptiveTest(stopping="never")
    with pytest.raises(ValueError):
        AdaptiveTest(first_items=(8, 8))


@pytest.mark.research
def test_quick_test_classification_figures_can_be_recomputed() -> None:
    """The stored consistency and accuracy agree with a small fresh simulation (3.5 SE)."""
    consistency, accuracy = quick_test_consistency(), quick_test_accuracy()
    assert 0.5 < consistency < accuracy < 1.0
    assert accuracy <= adaptive_rules().figures["classification"]["full_form"]["accuracy"]

    def quick_test(responses: np.ndarray) -> list[str]:
        styles = []
        for person in responses:
            test = AdaptiveTest()
            while (item := test.next_item()) is not None:
                test.answer(item, int(person[item - 1]))
            styles.append(test.result().style)
        return styles

    fresh = classification.simulate(quick_test, n=160, seed=11)
    for stored, share in ((consistency, fresh.consistency), (accuracy, fresh.accuracy)):
        assert abs(share - stored) <= 3.5 * fresh.standard_error(stored)


def test_the_documented_held_out_table_is_the_stored_one() -> None:
    """docs/research/psychometrics.md quotes the held-out table of the shipped rules."""
    from pathlib import Path

    doc = (
        Path(__file__).resolve().parents[3] / "docs" / "research" / "psychometrics.md"
    ).read_text()
    section = doc.split("## Results on the held-out respondents", 1)[1].split("\n## ", 1)[0]
    rows = adaptive_rules().figures["table"]
    for row in rows:
        quantiles = "/".join(str(q) for q in row["length_quantiles"])
        cells = (
            f"{row['mean_items']:.2f}",
            quantiles,
            f"{100 * row['agreement']:.1f}%",
            f"{row['r_anxiety']:.3f}",
            f"{row['r_avoidance']:.3f}",
        )
        lines = [line for line in section.splitlines() if row["form"] in line]
        assert len(lines) == 1, row["form"]
        assert all(cell in lines[0] for cell in cells), (lines[0], cells)
    quick, ecr_s = (next(r for r in rows if r["form"].startswith(n)) for n in ("quick", "ECR-S"))
    for row in (quick, ecr_s):  # the targets table, to four decimals
        assert f"{100 * row['agreement']:.2f}%" in section
        for key in ("r_anxiety", "r_avoidance"):
            assert f"{row[key]:.4f}"[1:] in section, key
    assert f"{quick['mean_items']:.4f}" in section
