"""Answers that cannot be scored well, in a real browser at phone size: the result page says
so in plain words, offers to start again and shows no style; consistent answers still get
their style."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import expect

from conftest import assert_accessible
from securebase.psychometrics import item_bank
from securebase.psychometrics.grm import simulate_categories
from securebase.quiz import services as quiz
from securebase.quiz.models import QuizSession
from securebase.reports.services import QUALITY_HEADLINE, QUALITY_REASONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def neutral(item: int, k: int) -> int:
    return 3


def alternating(item: int, k: int) -> int:
    return 1 if k % 2 == 0 else 5


_RANDOM = np.random.default_rng(20261207).integers(1, 6, 36)


def random_answers(item: int, k: int) -> int:
    return int(_RANDOM[item - 1])


def _consistent() -> dict[int, int]:
    """Answers drawn from the scoring model for a typical person (both scores at the middle
    of the calibration sample), as clicked."""
    bank = item_bank()
    rng = np.random.default_rng(7)
    answers: dict[int, int] = {}
    for dimension in ("anxiety", "avoidance"):
        a, b = bank.parameters(dimension)
        keyed = simulate_categories(np.array([0.0]), a, b, rng)[0] + 1
        for j, item in enumerate(bank.dimension_items(dimension)):
            answers[item.number] = int(6 - keyed[j] if item.reverse else keyed[j])
    return answers


_CONSISTENT = _consistent()


def consistent(item: int, k: int) -> int:
    return _CONSISTENT[item]


def finished(form: str, answer) -> QuizSession:
    """Drive a session to its result through the services; ``answer(item, k)`` answers."""
    session = quiz.start_session(form, False)
    step = quiz.current_step(session)
    k = 0
    while not step.done:
        assert step.item is not None
        step = quiz.submit_answer(session.token, step.item.number, answer(step.item.number, k))
        k += 1
    return quiz.get_session(session.token)


@pytest.mark.parametrize(
    ("form", "answer", "reason"),
    [
        ("full", neutral, "midpoint"),
        ("adaptive", neutral, "midpoint"),
        ("full", alternating, None),
        ("adaptive", alternating, None),
        ("full", random_answers, None),
    ],
)
def test_answers_that_cannot_be_scored_well_are_said_to_be_so(page, form, answer, reason):
    session = finished(form, answer)
    page.goto(f"/results/{session.token}/")
    expect(page.locator("h1")).to_have_text(QUALITY_HEADLINE)
    notice = page.locator(".quality-notice")
    if reason:
        expect(notice).to_contain_text(QUALITY_REASONS[reason])
    expect(notice.get_by_role("link", name="Start again")).to_be_visible()
    # No style is presented: no style headline, chart, chances, scores or style page.
    for selector in (".style-name", "svg.result-chart", ".prob-list", ".dimension", ".share"):
        assert page.locator(selector).count() == 0, selector
    # The headline and the reasons are on the first phone screen.
    box = page.locator(".quality-reasons").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844
    assert_accessible(page)


@pytest.mark.parametrize("form", ["full", "adaptive"])
def test_consistent_answers_get_their_style(page, form):
    session = finished(form, consistent)
    page.goto(f"/results/{session.token}/")
    assert page.locator(".quality-notice").count() == 0
    expect(page.locator("h1 .style-name").first).to_be_visible()
    expect(page.locator("svg.result-chart")).to_be_visible()
