"""Helpers for the quiz tests: drive a session through the real service layer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from securebase.quiz import services
from securebase.quiz.models import QuizSession


def answer_until_done(token: str, pick: Callable[[int], int] = lambda item: 3) -> int:
    """Answer every question asked (``pick(item)`` -> value); returns how many were asked."""
    session = services.get_session(token)
    step = services.current_step(session)
    asked = 0
    while not step.done:
        assert step.item is not None
        step = services.submit_answer(token, step.item.number, pick(step.item.number))
        asked += 1
        assert asked <= 36
    return asked


@pytest.fixture
def full_session(db: None) -> QuizSession:
    return services.start_session("full", consent_research=False)


@pytest.fixture
def adaptive_session(db: None) -> QuizSession:
    return services.start_session("adaptive", consent_research=False)
