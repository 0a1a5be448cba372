"""The report mail through a real SMTP server (aiosmtpd): delivery, retries, failures."""

import io
import logging
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from securebase.reports.models import ReportEmail
from securebase.reports.services import REPORT_TASK, queue_report_email
from securebase.reports.tasks import MAX_ATTEMPTS, send_report_email
from securebase.reports.tests.pdf_tools import pdf_info

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"


def test_report_arrives_with_a_valid_pdf_and_the_address_is_forgotten(
    client, session, mail_via_smtp, caplog
):
    caplog.set_level(logging.DEBUG)
    response = client.post(f"/results/{session.token}/email/", {"email": ADDRESS})
    assert response.status_code == 302

    (message,) = mail_via_smtp.recorder.wait_for(1)
    assert message["To"] == ADDRESS
    assert message["Subject"] == "Your securebase report"
    plain = message.get_body(("plain",)).get_content()
    assert "This is not a diagnosis." in plain
    assert f"/results/{session.token}/" in plain
    assert message.get_body(("html",)) is not None
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "securebase-report.pdf"
    pages, text = pdf_info(attachment.get_content())
    assert pages >= 2 and "Anxious" in text

    row = ReportEmail.objects.get(session=session)
    assert (row.status, row.email, row.attempts) == (ReportEmail.Status.SENT, "", 1)
    assert row.sent_at is not None
    assert ADDRESS not in caplog.text
    assert session.token not in caplog.text


def test_temporary_failure_is_retried_later(session, mail_via_smtp):
    mail_via_smtp.recorder.refuse(ADDRESS, 451)
    row = queue_report_email(session, ADDRESS, subscribe=False)  # first try runs inline

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error_code) == ("queued", 1, 451)
    assert row.email == ADDRESS
    retry = Schedule.objects.get(func=REPORT_TASK)
    assert retry.schedule_type == Schedule.ONCE
    assert retry.args == f"({row.pk},)"
    assert retry.next_run > timezone.now()
    assert mail_via_smtp.messages == []

    assert send_report_email(row.pk) == "sent"  # what the schedule runs
    mail_via_smtp.recorder.wait_for(1)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.email) == ("sent", 2, "")


def test_backoff_grows_and_gives_up_after_the_last_attempt(session, mail_via_smtp):
    mail_via_smtp.recorder.refuse(ADDRESS, 421, times=MAX_ATTEMPTS)
    row = queue_report_email(session, ADDRESS, subscribe=False)
    for _ in range(MAX_ATTEMPTS - 1):
        send_report_email(row.pk)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.email) == ("failed", MAX_ATTEMPTS, "")
    runs = sorted(Schedule.objects.filter(func=REPORT_TASK).values_list("next_run", flat=True))
    assert len(runs) == MAX_ATTEMPTS - 1
    assert runs == sorted(runs)
    assert send_report_email(row.pk) == "nothing to send"


def test_permanent_failure_is_final_and_forgets_the_address(session, mail_via_smtp):
    mail_via_smtp.recorder.refuse(ADDRESS, 550)
    row = queue_report_email(session, ADDRESS, subscribe=True)

    row.refresh_from_db()
    assert (row.status, row.email, row.last_error_code) == ("failed", "", 550)
    assert not Schedule.objects.filter(func=REPORT_TASK).exists()
    assert mail_via_smtp.messages == []


def test_unreachable_server_is_a_temporary_failure(session, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2

    row = queue_report_email(session, ADDRESS, subscribe=False)

    row.refresh_from_db()
    assert (row.status, row.last_error_code, row.email) == ("queued", None, ADDRESS)
    assert Schedule.objects.filter(func=REPORT_TASK).count() == 1


def test_subscriber_gets_the_report_and_a_newsletter_confirmation(client, session, mail_via_smtp):
    client.post(f"/results/{session.token}/email/", {"email": ADDRESS, "subscribe": "1"})

    messages = mail_via_smtp.recorder.wait_for(2)
    assert sorted(m["To"] for m in messages) == [ADDRESS, ADDRESS]
    assert ReportEmail.objects.get(session=session).email == ""


def test_purge_removes_only_stale_rows_that_still_hold_an_address(session):
    stale = ReportEmail.objects.create(session=session, email="stale@example.org")
    fresh = ReportEmail.objects.create(session=session, email="fresh@example.org")
    done = ReportEmail.objects.create(session=session, email="", status="sent")
    day_ago = timezone.now() - timedelta(days=1, minutes=1)
    ReportEmail.objects.filter(pk__in=[stale.pk, done.pk]).update(created_at=day_ago)

    call_command("purge_report_emails", stdout=io.StringIO())

    assert set(ReportEmail.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}


def test_stale_address_purge_is_scheduled_daily_for_the_worker(session):
    from django_q.models import Schedule

    from securebase.reports.tasks import purge_report_emails

    schedule = Schedule.objects.get(name="reports-purge-stale-emails")
    assert schedule.func == "securebase.reports.tasks.purge_report_emails"
    assert schedule.schedule_type == Schedule.DAILY
    stale = ReportEmail.objects.create(session=session, email="stale@example.org")
    ReportEmail.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert purge_report_emails() == 1
