"""Answers that cannot be scored well: what the page, the PDF and the mail say instead of a
style, and that consistent answers are not affected."""

from __future__ import annotations

import pytest

from securebase.psychometrics.response_quality import FLAGS, ResponseQuality
from securebase.quiz import services as quiz
from securebase.quiz.models import QuizSession
from securebase.reports.mail import report_message
from securebase.reports.models import ReportEmail
from securebase.reports.pdf import pdf_for
from securebase.reports.services import (
    QUALITY_FULL_FORM,
    QUALITY_HEADLINE,
    QUALITY_REASONS,
    build_report_context,
    quality_notice,
)
from securebase.reports.tests.factories import finished_session
from securebase.reports.tests.pdf_tools import pdf_info

pytestmark = pytest.mark.django_db


def _quality(*flags: str) -> ResponseQuality:
    return ResponseQuality(
        flags=flags,
        n_answers=36,
        person_fit=0.0,
        same_answer_share=0.3,
        midpoint_share=0.2,
        contradiction=0.5,
    )


def _neutral(form: str) -> QuizSession:
    session = quiz.start_session(form, False)
    step = quiz.current_step(session)
    while not step.done:
        assert step.item is not None
        step = quiz.submit_answer(session.token, step.item.number, 3)
    return quiz.get_session(session.token)


def test_every_flag_has_plain_words() -> None:
    assert set(QUALITY_REASONS) == set(FLAGS)
    for flag in FLAGS:
        notice = quality_notice(_quality(flag), "full")
        assert notice is not None and notice.reasons == [QUALITY_REASONS[flag]]


def test_no_notice_without_a_flag_or_for_results_never_checked() -> None:
    assert quality_notice(_quality(), "adaptive") is None
    assert quality_notice(None, "adaptive") is None


def test_mostly_neutral_is_said_once_and_the_quick_test_is_pointed_to_the_full_one() -> None:
    notice = quality_notice(_quality("midpoint", "straight_line"), "adaptive")
    assert notice is not None
    assert notice.reasons == [QUALITY_REASONS["midpoint"]]
    assert notice.full_form == QUALITY_FULL_FORM
    full = quality_notice(_quality("contradictory"), "full")
    assert full is not None and full.full_form == ""


@pytest.mark.parametrize("form", ["full", "adaptive"])
def test_all_neutral_answers_get_the_notice_on_the_page_instead_of_a_style(client, form) -> None:
    session = _neutral(form)
    report = build_report_context(session)
    assert report.quality is not None
    assert report.quality.reasons[0] == QUALITY_REASONS["midpoint"]
    page = client.get(f"/results/{session.token}/").content.decode()
    assert QUALITY_HEADLINE in page
    assert "Your answers were mostly in the middle" in page
    assert "Most likely" not in page and "Your two scores" not in page
    assert "Share my style" not in page
    assert 'href="/quiz/"' in page


def test_consistent_answers_keep_their_style(client) -> None:
    session = finished_session("anxious", form="full")
    assert build_report_context(session).quality is None
    page = client.get(f"/results/{session.token}/").content.decode()
    assert QUALITY_HEADLINE not in page and "Your two scores" in page


def test_the_pdf_and_the_mail_say_the_same() -> None:
    session = _neutral("adaptive")
    report = build_report_context(session)
    pages, text = pdf_info(pdf_for(session))
    flat = " ".join(text.split())
    assert QUALITY_HEADLINE in flat
    assert "Your two scores" not in flat and "How sure is this?" not in flat
    message = report_message(ReportEmail(session=session, email="a@example.org"), b"%PDF", report)
    assert QUALITY_HEADLINE in message.body and QUALITY_REASONS["midpoint"] in message.body
    assert "Your two scores" not in message.body
    html = message.alternatives[0][0]
    assert QUALITY_HEADLINE in html and "Your two scores" not in html
    assert pages >= 1
