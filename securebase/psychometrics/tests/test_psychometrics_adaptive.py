"""Behaviour of :class:`securebase.psychometrics.AdaptiveTest`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securebase.psychometrics import AdaptiveTest, score

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
    assert test.result().to_dict() == score(test.answers).to_dict()


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
    test = AdaptiveTest(max_items=6, min_items=2, se_target=0.3, style_confidence=0.8)
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
