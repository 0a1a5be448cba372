from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from securebase.psychometrics import STYLES, Result, score
from securebase.quiz import services
from securebase.quiz.models import Answer, QuizSession
from securebase.quiz.question_order import ADAPTIVE_TYPICAL_LENGTH
from securebase.quiz.tests.conftest import answer_until_done

pytestmark = pytest.mark.django_db


def test_start_session_makes_an_unguessable_token_and_asks_a_first_question() -> None:
    session = services.start_session("adaptive", consent_research=True)
    assert len(session.token) == 43
    assert session.consent_research is True
    step = services.current_step(session)
    assert step.item is not None and not step.done
    assert step.answered == 0 and step.progress == 0.0
    assert step.estimated_total == ADAPTIVE_TYPICAL_LENGTH


def test_start_session_rejects_an_unknown_form() -> None:
    with pytest.raises(ValueError):
        services.start_session("short", consent_research=False)


def test_full_form_asks_items_in_order_and_counts_exactly(full_session: QuizSession) -> None:
    step = services.current_step(full_session)
    assert step.item.number == 1 and step.estimated_total == 36 and step.is_exact
    step = services.submit_answer(full_session.token, 1, 4)
    assert step.item.number == 2
    assert step.answered == 1 and step.progress == pytest.approx(1 / 36)
    assert step.number == 2


def test_submitting_the_same_answer_twice_is_a_harmless_no_op(full_session: QuizSession) -> None:
    services.submit_answer(full_session.token, 1, 4)
    step = services.submit_answer(full_session.token, 1, 4)
    assert step.item.number == 2 and step.answered == 1
    assert list(full_session.answers.values_list("item", "value")) == [(1, 4)]


def test_a_different_value_for_an_answered_item_is_refused(full_session: QuizSession) -> None:
    services.submit_answer(full_session.token, 1, 4)
    with pytest.raises(services.InvalidAnswer) as error:
        services.submit_answer(full_session.token, 1, 2)
    assert error.value.code == "already_answered"
    assert list(full_session.answers.values_list("item", "value")) == [(1, 4)]


@pytest.mark.parametrize("item", [3, 0, 37, -1])
def test_an_item_that_was_not_asked_is_refused(full_session: QuizSession, item: int) -> None:
    with pytest.raises(services.InvalidAnswer) as error:
        services.submit_answer(full_session.token, item, 3)
    assert error.value.code == "item_not_asked"
    assert not full_session.answers.exists()


@pytest.mark.parametrize("value", [0, 6, -3, True, "3", 2.5])
def test_a_value_out_of_range_is_refused(full_session: QuizSession, value: object) -> None:
    with pytest.raises(services.InvalidAnswer) as error:
        services.submit_answer(full_session.token, 1, value)  # type: ignore[arg-type]
    assert error.value.code == "invalid_value"
    assert not full_session.answers.exists()


def test_unknown_token_raises_session_not_found() -> None:
    with pytest.raises(services.SessionNotFound):
        services.get_session("nope")
    with pytest.raises(services.SessionNotFound):
        services.submit_answer("nope", 1, 3)
    with pytest.raises(services.SessionNotFound):
        services.go_back("x" * 500)


def test_back_reasks_the_previous_item_with_its_answer_marked(full_session: QuizSession) -> None:
    token = full_session.token
    services.submit_answer(token, 1, 2)
    services.submit_answer(token, 2, 5)
    step = services.go_back(token)
    assert step.item.number == 2 and step.previous_value == 5 and step.answered == 1
    assert list(full_session.answers.values_list("item", flat=True)) == [1]
    step = services.go_back(token)
    assert step.item.number == 1 and step.previous_value == 2
    step = services.submit_answer(token, 1, 3)
    assert step.item.number == 2 and step.previous_value == 5
    assert list(full_session.answers.values_list("item", "value")) == [(1, 3)]


def test_back_with_a_stale_current_item_does_not_step_back_twice(
    full_session: QuizSession,
) -> None:
    token = full_session.token
    services.submit_answer(token, 1, 2)
    services.submit_answer(token, 2, 2)
    services.go_back(token, current_item=3)
    step = services.go_back(token, current_item=3)  # the same click, sent twice
    assert step.item.number == 2 and step.answered == 1


def test_back_on_a_fresh_session_changes_nothing(full_session: QuizSession) -> None:
    step = services.go_back(full_session.token)
    assert step.item.number == 1 and step.answered == 0


def test_adaptive_back_uses_undo_and_the_test_asks_the_same_item_again(
    adaptive_session: QuizSession,
) -> None:
    token = adaptive_session.token
    first = services.current_step(adaptive_session).item.number
    second = services.submit_answer(token, first, 5).item.number
    services.submit_answer(token, second, 1)
    step = services.go_back(token)
    assert step.item.number == second and step.previous_value == 1
    state = services.get_session(token).state
    assert state["answers"] == [[first, 5]]


def test_resume_continues_from_the_saved_state(adaptive_session: QuizSession) -> None:
    token = adaptive_session.token
    first = services.current_step(adaptive_session).item.number
    expected = services.submit_answer(token, first, 4)
    resumed = services.current_step(services.get_session(token))
    assert resumed.item.number == expected.item.number
    assert resumed.answered == 1
    assert 0 < resumed.progress < 1


def test_adaptive_progress_is_an_estimate_that_ends_at_one(adaptive_session: QuizSession) -> None:
    token = adaptive_session.token
    asked = answer_until_done(token, lambda item: 5 if item % 2 else 1)
    session = services.get_session(token)
    assert 4 <= asked <= 16
    assert services.current_step(session).progress == 1.0
    assert session.answers.count() == asked


def test_completion_stores_the_result_of_the_psychometrics_scorer(
    full_session: QuizSession,
) -> None:
    answers = {item: (item % 5) + 1 for item in range(1, 37)}
    answer_until_done(full_session.token, answers.__getitem__)
    session = services.get_session(full_session.token)
    assert session.completed_at is not None
    assert session.result == score(answers).to_dict()
    result = services.get_result(session)
    assert isinstance(result, Result)
    assert result.style in STYLES
    assert result.to_dict() == session.result
    assert [(a.item, a.position) for a in session.answers.all()] == [(n, n) for n in range(1, 37)]


def test_a_finished_session_ignores_a_repeated_last_answer_and_back(
    full_session: QuizSession,
) -> None:
    answer_until_done(full_session.token)
    assert services.submit_answer(full_session.token, 36, 3).done
    assert services.go_back(full_session.token).done
    with pytest.raises(services.InvalidAnswer):
        services.submit_answer(full_session.token, 36, 4)
    assert services.get_session(full_session.token).answers.count() == 36


def test_get_result_raises_not_finished_before_the_end(full_session: QuizSession) -> None:
    services.submit_answer(full_session.token, 1, 3)
    with pytest.raises(services.NotFinished):
        services.get_result(services.get_session(full_session.token))


def test_delete_session_removes_the_session_and_its_answers(full_session: QuizSession) -> None:
    services.submit_answer(full_session.token, 1, 3)
    assert services.delete_session(full_session.token) is True
    assert not QuizSession.objects.exists()
    assert not Answer.objects.exists()
    assert services.delete_session(full_session.token) is False


def test_delete_session_also_removes_queued_report_mail(full_session: QuizSession) -> None:
    from securebase.reports.models import ReportEmail

    ReportEmail.objects.create(session=full_session, email="someone@example.org")
    assert services.delete_session(full_session.token)
    assert not ReportEmail.objects.exists()


def test_withdraw_consent(db: None) -> None:
    session = services.start_session("full", consent_research=True)
    services.withdraw_consent(session.token)
    session.refresh_from_db()
    assert session.consent_research is False
    with pytest.raises(services.SessionNotFound):
        services.withdraw_consent("unknown")


def test_purge_deletes_only_old_unfinished_sessions(db: None) -> None:
    old_unfinished = services.start_session("full", consent_research=False)
    services.submit_answer(old_unfinished.token, 1, 3)
    recent_unfinished = services.start_session("full", consent_research=False)
    old_finished = services.start_session("adaptive", consent_research=False)
    answer_until_done(old_finished.token)
    long_ago = timezone.now() - timedelta(days=31)
    QuizSession.objects.filter(pk__in=[old_unfinished.pk, old_finished.pk]).update(
        updated_at=long_ago
    )
    assert services.purge_unfinished(timedelta(days=30)) == 1
    assert set(QuizSession.objects.values_list("pk", flat=True)) == {
        recent_unfinished.pk,
        old_finished.pk,
    }
    assert not Answer.objects.filter(session_id=old_unfinished.pk).exists()


def test_an_answer_is_written_through_the_models(full_session: QuizSession) -> None:
    """``create()`` and ``save()``: signals fire, and auto_now and defaults apply."""
    saved: list[str] = []

    def record(sender: type, instance: object, **kwargs: object) -> None:
        fields = kwargs.get("update_fields")
        saved.append(f"{sender.__name__} {sorted(fields) if fields else 'created'}")

    before = timezone.now() - timedelta(days=3)
    QuizSession.objects.filter(pk=full_session.pk).update(updated_at=before)
    post_save.connect(record, sender=Answer)
    post_save.connect(record, sender=QuizSession)
    try:
        services.submit_answer(full_session.token, 1, 4)
    finally:
        post_save.disconnect(record, sender=Answer)
        post_save.disconnect(record, sender=QuizSession)
    assert saved == ["Answer created", "QuizSession ['state', 'updated_at']"]
    stored = QuizSession.objects.get(pk=full_session.pk)
    assert stored.updated_at > before
    assert stored.state["answers"] == [[1, 4]] and stored.completed_at is None
    answer = Answer.objects.get(session=full_session)
    assert (answer.item, answer.value, answer.position) == (1, 4, 1)
    for item in range(2, 37):
        services.submit_answer(full_session.token, item, 3)
    stored = QuizSession.objects.get(pk=full_session.pk)
    assert stored.completed_at is not None
    assert services.get_result(stored) == score({1: 4} | dict.fromkeys(range(2, 37), 3))
    assert list(stored.answers.values_list("position", flat=True)) == list(range(1, 37))


def test_a_session_is_read_with_the_orm(full_session: QuizSession) -> None:
    read = services.get_session(full_session.token)
    assert read == QuizSession.objects.get(token=full_session.token)
    for bad in ("", "x" * 65, None, 3):
        with pytest.raises(services.SessionNotFound):
            services.get_session(bad)  # type: ignore[arg-type]
