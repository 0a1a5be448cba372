"""Going back through the questions: earlier answers are shown, kept, or changed safely.

``answer_at`` is what the per-question pages call. The adaptive test's later questions
depend on earlier answers, so changing one must leave a state that the test itself would
have reached by being answered that way (checked against a fresh ``AdaptiveTest``).
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from securebase.psychometrics import AdaptiveTest
from securebase.quiz import services
from securebase.quiz.models import QuizSession
from securebase.quiz.tests.conftest import answer_until_done

pytestmark = pytest.mark.django_db


def stored(token: str) -> list[tuple[int, int, int]]:
    session = services.get_session(token)
    return list(session.answers.values_list("position", "item", "value"))


def test_an_earlier_question_shows_its_stored_answer(full_session: QuizSession) -> None:
    token = full_session.token
    services.submit_answer(token, 1, 2)
    services.submit_answer(token, 2, 4)
    step = services.step_at(services.get_session(token), 1)
    assert (step.item.number, step.previous_value, step.position) == (1, 2, 1)
    assert not step.is_current and step.answered == 2
    current = services.step_at(services.get_session(token), 99)
    assert current.position == 3 and current.is_current and current.previous_value is None


def test_the_same_answer_again_changes_nothing_and_moves_on(full_session: QuizSession) -> None:
    token = full_session.token
    services.submit_answer(token, 1, 2)
    services.submit_answer(token, 2, 4)
    step = services.answer_at(token, 1, 1, 2)
    assert step.position == 2 and step.item.number == 2 and step.previous_value == 4
    assert stored(token) == [(1, 1, 2), (2, 2, 4)]


def test_changing_a_full_form_answer_keeps_the_later_ones(full_session: QuizSession) -> None:
    token = full_session.token
    for item in (1, 2, 3):
        services.submit_answer(token, item, 3)
    step = services.answer_at(token, 2, 2, 5)
    assert step.position == 3 and step.previous_value == 3
    assert stored(token) == [(1, 1, 3), (2, 2, 5), (3, 3, 3)]
    assert services.current_step(services.get_session(token)).item.number == 4


def test_a_stale_page_cannot_change_another_question(full_session: QuizSession) -> None:
    token = full_session.token
    services.submit_answer(token, 1, 3)
    services.submit_answer(token, 2, 3)
    with pytest.raises(services.InvalidAnswer) as error:
        services.answer_at(token, 1, 2, 5)  # item 2 is not at position 1
    assert error.value.code == "already_answered"
    assert stored(token) == [(1, 1, 3), (2, 2, 3)]


def test_changing_an_adaptive_answer_rechooses_later_questions_validly(
    adaptive_session: QuizSession,
) -> None:
    token = adaptive_session.token
    asked = []
    for value in (5, 5, 1):
        step = services.current_step(services.get_session(token))
        asked.append(step.item.number)
        services.submit_answer(token, step.item.number, value)
    step = services.answer_at(token, 1, asked[0], 1)
    session = services.get_session(token)
    # Only the changed answer remains; the two after it are remembered, not lost.
    assert stored(token) == [(1, asked[0], 1)]
    assert session.state["undone"] == {str(asked[1]): 5, str(asked[2]): 1}
    # The next question is exactly what the test asks after that single answer...
    fresh = AdaptiveTest.from_dict(session.state)
    reference = AdaptiveTest(**fresh.get_params())
    reference.answer(asked[0], 1)
    assert step.position == 2 and step.item.number == reference.next_item()
    # ...and if it is a question answered before, its earlier answer is marked.
    assert step.previous_value == session.state["undone"].get(str(step.item.number))


def test_a_finished_quiz_is_never_reopened_from_an_earlier_question(
    full_session: QuizSession,
) -> None:
    token = full_session.token
    answer_until_done(token)
    assert services.answer_at(token, 3, 3, 3).done
    with pytest.raises(services.InvalidAnswer):
        services.answer_at(token, 3, 3, 5)
    assert [value for _, _, value in stored(token)] == [3] * 36


def test_the_counter_never_moves_by_more_than_two_per_answer(db: None) -> None:
    """Answer patterns that swing the adaptive estimate; the shown total follows slowly."""
    patterns = [
        lambda item, n: 5 if n % 2 else 1,
        lambda item, n: 3,
        lambda item, n: 5 if item % 3 else 2,
        lambda item, n: 1 if n < 3 else 5,
    ]
    for pick in patterns:
        session = services.start_session("adaptive", consent_research=False)
        step = services.current_step(session)
        shown = [step.estimated_total]
        while True:
            step = services.submit_answer(
                session.token, step.item.number, pick(step.item.number, step.answered)
            )
            if step.done:
                break
            shown.append(step.estimated_total)
            assert step.estimated_total > step.answered
        moves = [abs(b - a) for a, b in pairwise(shown)]
        assert max(moves, default=0) <= services.COUNTER_MAX_MOVE, shown
