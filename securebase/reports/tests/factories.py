"""Finished quiz sessions made the real way: through the quiz services, answer by answer."""

from __future__ import annotations

from securebase.psychometrics import item_bank
from securebase.quiz import services as quiz
from securebase.quiz.models import QuizSession

# Keyed answers (1..5, after reverse-scoring) per dimension that land in each quadrant.
KEYED = {
    "secure": {"anxiety": 1, "avoidance": 1},
    "anxious": {"anxiety": 5, "avoidance": 1},
    "avoidant": {"anxiety": 1, "avoidance": 5},
    "disorganized": {"anxiety": 5, "avoidance": 5},
}


def clicked(item_number: int, keyed: dict[str, int | tuple[int, ...]]) -> int:
    """The answer to click so that the keyed answer is ``keyed[dimension]``.

    A tuple of levels is cycled over the dimension's items, e.g. ``(3, 3, 2, 4)``: near 3
    without answering "neither agree nor disagree" throughout, which would be flagged as
    mostly neutral (``psychometrics.response_quality``).
    """
    item = item_bank().item(item_number)
    level = keyed[item.dimension]
    value = level[item_number // 2 % len(level)] if isinstance(level, tuple) else level
    return 6 - value if item.reverse else value


def finished_session(
    style: str = "secure",
    *,
    form: str = "adaptive",
    consent_research: bool = False,
    keyed: dict[str, int | tuple[int, ...]] | None = None,
) -> QuizSession:
    """Drive a session to its result with a fixed answer pattern."""
    return finish(quiz.start_session(form, consent_research), keyed or KEYED[style])


def finish(session: QuizSession, pattern: dict[str, int | tuple[int, ...]]) -> QuizSession:
    """Answer every question a started session asks with ``pattern`` (keyed levels)."""
    step = quiz.current_step(session)
    while not step.done:
        assert step.item is not None
        step = quiz.submit_answer(
            session.token, step.item.number, clicked(step.item.number, pattern)
        )
    return quiz.get_session(session.token)


def unfinished_session() -> QuizSession:
    session = quiz.start_session("full", False)
    quiz.submit_answer(session.token, 1, 3)
    return quiz.get_session(session.token)
