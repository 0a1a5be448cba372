from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from securebase.quiz import services
from securebase.quiz.models import QuizSession
from securebase.quiz.research import COLUMNS
from securebase.quiz.tests.conftest import answer_until_done

pytestmark = pytest.mark.django_db


def finished(form: str, consent: bool, value: int = 4) -> QuizSession:
    session = services.start_session(form, consent_research=consent)
    answer_until_done(session.token, lambda item: value)
    return services.get_session(session.token)


def export(tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "research.csv"
    call_command("export_research_data", "--out", str(out), stderr=io.StringIO())
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_contains_only_consented_completed_sessions(tmp_path: Path) -> None:
    full = finished("full", consent=True, value=2)
    adaptive = finished("adaptive", consent=True, value=5)
    finished("full", consent=False)
    unfinished = services.start_session("full", consent_research=True)
    services.submit_answer(unfinished.token, 1, 3)

    rows = export(tmp_path)
    assert len(rows) == 2
    by_form = {row["form"]: row for row in rows}
    full_row, adaptive_row = by_form["full"], by_form["adaptive"]
    assert [full_row[f"Q{n}"] for n in range(1, 37)] == ["2"] * 36
    assert full_row["n_items"] == "36"
    asked = {answer.item for answer in adaptive.answers.all()}
    assert int(adaptive_row["n_items"]) == len(asked)
    for n in range(1, 37):
        assert adaptive_row[f"Q{n}"] == ("5" if n in asked else "0")
    assert full_row["completed_month"] == full.completed_at.strftime("%Y-%m")
    assert full_row["style"] == full.result["style"]
    assert float(full_row["anxiety_theta"]) == pytest.approx(
        full.result["anxiety"]["theta"], abs=1e-4
    )


def test_export_holds_no_token_id_or_exact_time(tmp_path: Path) -> None:
    session = finished("full", consent=True)
    text_rows = export(tmp_path)
    assert list(text_rows[0]) == COLUMNS
    raw = (tmp_path / "research.csv").read_text()
    assert session.token not in raw
    assert "id" not in COLUMNS and "token" not in COLUMNS
    assert session.completed_at.isoformat()[:13] not in raw


def test_withdrawn_consent_drops_out_of_later_exports(tmp_path: Path) -> None:
    session = finished("full", consent=True)
    assert len(export(tmp_path)) == 1
    services.withdraw_consent(session.token)
    assert export(tmp_path) == []


def test_export_to_an_unwritable_path_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_research_data", "--out", str(tmp_path / "missing" / "x.csv"))


def test_purge_command_uses_the_retention_setting(settings: object) -> None:
    settings.SECUREBASE_UNFINISHED_RETENTION_DAYS = 30  # type: ignore[attr-defined]
    old = services.start_session("full", consent_research=False)
    fresh = services.start_session("full", consent_research=False)
    QuizSession.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=40))
    out = io.StringIO()
    call_command("purge_unfinished_sessions", stdout=out)
    assert "Deleted 1 unfinished sessions older than 30 days" in out.getvalue()
    assert list(QuizSession.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_purge_command_takes_days() -> None:
    session = services.start_session("full", consent_research=False)
    QuizSession.objects.filter(pk=session.pk).update(updated_at=timezone.now() - timedelta(days=3))
    call_command("purge_unfinished_sessions", "--days", "5", stdout=io.StringIO())
    assert QuizSession.objects.exists()
    call_command("purge_unfinished_sessions", "--days", "2", stdout=io.StringIO())
    assert not QuizSession.objects.exists()
    with pytest.raises(CommandError):
        call_command("purge_unfinished_sessions", "--days", "0")


def test_daily_purge_is_scheduled_for_the_worker(settings: object) -> None:
    """The retention promise holds with `make run` alone: the worker runs it daily."""
    from django_q.models import Schedule

    from securebase.quiz.tasks import purge_unfinished_sessions

    schedule = Schedule.objects.get(name="quiz-purge-unfinished")
    assert schedule.func == "securebase.quiz.tasks.purge_unfinished_sessions"
    assert schedule.schedule_type == Schedule.DAILY
    settings.SECUREBASE_UNFINISHED_RETENTION_DAYS = 30  # type: ignore[attr-defined]
    old = services.start_session("adaptive", consent_research=False)
    QuizSession.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=31))
    assert purge_unfinished_sessions() == 1
    assert not QuizSession.objects.exists()
