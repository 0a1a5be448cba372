"""Response-quality checks as the site runs them: stored with the result, the time per
answer from the answers' own timestamps, the API schema and the research export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from securebase.psychometrics import Result
from securebase.quiz import research, services
from securebase.quiz.models import Answer, QuizSession
from securebase.quiz.tests.conftest import answer_until_done

pytestmark = pytest.mark.django_db


def _answer_all_but_last(token: str, value: int = 3) -> int:
    """Answer the full form up to its last question; returns that question's number."""
    session = services.get_session(token)
    step = services.current_step(session)
    while step.item is not None and step.item.number != 36:
        step = services.submit_answer(token, step.item.number, value)
    assert step.item is not None
    return step.item.number


def _space_answers(session: QuizSession, seconds: float) -> None:
    """Pretend the stored answers were given ``seconds`` apart, the last one just now."""
    answers = list(session.answers.order_by("position"))
    now = timezone.now()
    for k, answer in enumerate(answers):
        answer.answered_at = now - timedelta(seconds=seconds * (len(answers) - k))
        answer.save(update_fields=["answered_at"])


def test_every_stored_answer_gets_the_time_it_was_stored(full_session: QuizSession) -> None:
    before = timezone.now() - timedelta(seconds=1)
    services.submit_answer(full_session.token, 1, 4)
    answer = Answer.objects.get(session=full_session, item=1)
    assert answer.answered_at is not None
    assert before <= answer.answered_at <= timezone.now() + timedelta(seconds=1)


def test_seconds_per_answer_is_the_median_gap(full_session: QuizSession) -> None:
    for item in range(1, 7):
        services.submit_answer(full_session.token, item, 2)
    _space_answers(full_session, 4.0)
    assert services.seconds_per_answer(full_session) == pytest.approx(4.0, abs=1e-3)


def test_answers_without_a_time_are_not_judged(full_session: QuizSession) -> None:
    for item in range(1, 7):
        services.submit_answer(full_session.token, item, 2)
    full_session.answers.update(answered_at=None)
    assert services.seconds_per_answer(full_session) is None


def test_completion_stores_the_quality_checks_with_the_result(full_session: QuizSession) -> None:
    answer_until_done(full_session.token, lambda item: 3)
    result = services.get_result(services.get_session(full_session.token))
    assert result.quality is not None
    assert result.quality.flags[0] == "midpoint"
    # The timing check is off in the test settings: no time recorded, no too_fast flag.
    assert result.quality.seconds_per_answer is None


@pytest.mark.parametrize(("seconds", "flagged"), [(0.3, True), (6.0, False)])
def test_answers_faster_than_reading_are_flagged_too_fast(
    settings, full_session: QuizSession, seconds: float, flagged: bool
) -> None:
    settings.SECUREBASE_TIMING_CHECK = True
    last = _answer_all_but_last(full_session.token, value=2)
    _space_answers(full_session, seconds)
    services.submit_answer(full_session.token, last, 2)
    session = services.get_session(full_session.token)
    quality = services.get_result(session).quality
    assert quality is not None and quality.seconds_per_answer is not None
    assert ("too_fast" in quality.flags) is flagged
    assert quality.reading_seconds is not None and 0.5 < quality.reading_seconds < 3.0
    # Choosing a comparison group re-scores the answers and keeps the time check.
    again = services.choose_norm_group(session.token, "female", None)
    assert again.quality == quality


def test_the_api_returns_the_quality_and_documents_it(full_session: QuizSession) -> None:
    answer_until_done(full_session.token, lambda item: 3)
    client = Client()
    body = client.get(f"/api/v1/sessions/{full_session.token}/result").json()
    assert body["quality"]["flags"][0] == "midpoint"
    assert body["quality"]["midpoint_share"] == 1.0
    schema = client.get("/api/v1/openapi.json").json()
    quality = schema["components"]["schemas"]["QualityOut"]["properties"]
    for name in ("flags", "person_fit", "same_answer_share", "contradiction", "seconds_per_answer"):
        assert quality[name]["description"]


def test_a_stored_result_without_quality_still_reads(full_session: QuizSession) -> None:
    answer_until_done(full_session.token, lambda item: 2)
    session = services.get_session(full_session.token)
    stored = dict(session.result)
    del stored["quality"]
    QuizSession.objects.filter(pk=session.pk).update(result=stored)
    assert services.get_result(services.get_session(session.token)).quality is None
    assert isinstance(services.get_result(services.get_session(session.token)), Result)


def test_the_research_export_has_the_quality_columns(db: None) -> None:
    session = services.start_session("full", consent_research=True)
    answer_until_done(session.token, lambda item: 3)
    out = io.StringIO()
    assert research.write_csv(out) == 1
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["quality_flags"].split("|")[0] == "midpoint"
    assert float(row["quality_midpoint_share"]) == 1.0
    assert row["quality_seconds_per_answer"] == ""
