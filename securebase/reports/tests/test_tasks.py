"""The report-mail lease: a dead worker's claim is recovered, and nothing is sent twice.

The dead worker is played by calling the same claim functions it would have called and
then letting the lease run out; the fault tests in tests/faults/ do the same with a
real worker process killed by SIGKILL. Mail goes through the real aiosmtpd server.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from securebase.reports import tasks
from securebase.reports.models import ReportEmail
from securebase.reports.services import queue_report_email

pytestmark = pytest.mark.django_db

ADDRESS = "lease.reader@example.org"


def _abandoned(session, *, handed_over: bool) -> ReportEmail:
    """A row as a worker leaves it when it is killed after claiming (and maybe handing over)."""
    row = ReportEmail.objects.create(session=session, email=ADDRESS)
    claimed = tasks._claim(row.pk)
    assert claimed is not None
    if handed_over:
        assert tasks._hand_over(claimed)
    ReportEmail.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    return row


def test_claim_never_handed_over_is_sent_once_by_the_recovery(session, mail_via_smtp):
    row = _abandoned(session, handed_over=False)

    assert tasks.recover_report_emails() == 1  # re-queues; tasks run inline in tests

    (message,) = mail_via_smtp.recorder.wait_for(1)
    assert message["To"] == ADDRESS
    row.refresh_from_db()
    assert (row.status, row.email, row.attempts) == ("sent", "", 2)
    assert tasks.recover_report_emails() == 0
    assert len(mail_via_smtp.messages) == 1


def test_claim_handed_over_is_never_resent_and_becomes_a_visible_failure(session, mail_via_smtp):
    row = _abandoned(session, handed_over=True)

    tasks.recover_report_emails()
    assert tasks.send_report_email(row.pk) == "nothing to send"  # the re-delivered task

    row.refresh_from_db()
    assert (row.status, row.email, row.lease_until) == ("failed", "", None)
    assert row.handed_over_at is not None
    assert mail_via_smtp.messages == []


def test_redelivered_task_settles_an_abandoned_claim_without_the_schedule(session, mail_via_smtp):
    row = _abandoned(session, handed_over=False)

    assert tasks.send_report_email(row.pk) == "sent"

    assert len(mail_via_smtp.recorder.wait_for(1)) == 1


def test_live_claim_is_left_alone(session, mail_via_smtp):
    row = ReportEmail.objects.create(session=session, email=ADDRESS)
    assert tasks._claim(row.pk) is not None  # a worker is busy with it right now

    assert tasks.recover_report_emails() == 0
    assert tasks.send_report_email(row.pk) == "nothing to send"
    assert mail_via_smtp.messages == []
    row.refresh_from_db()
    assert row.status == "sending" and row.lease_until > timezone.now()


def test_worker_that_lost_its_claim_does_not_send(session, mail_via_smtp):
    row = ReportEmail.objects.create(session=session, email=ADDRESS)
    slow = tasks._claim(row.pk)
    ReportEmail.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    taker = tasks._claim(row.pk)  # a second worker takes over the stale claim

    assert slow is not None and taker is not None
    assert taker.attempts == slow.attempts + 1
    assert not tasks._hand_over(slow)  # the slow one may not hand anything over now
    assert tasks._hand_over(taker)


def test_queued_row_whose_task_was_lost_is_queued_again(session, mail_via_smtp, settings):
    row = ReportEmail.objects.create(session=session, email=ADDRESS)  # no task enqueued
    assert tasks.recover_report_emails() == 0  # it may simply be waiting for a worker
    ReportEmail.objects.filter(pk=row.pk).update(
        updated_at=timezone.now() - tasks.LOST_AFTER - timedelta(seconds=1)
    )

    assert tasks.recover_report_emails() == 1

    assert len(mail_via_smtp.recorder.wait_for(1)) == 1
    assert ReportEmail.objects.get(pk=row.pk).status == "sent"


def test_a_normal_send_leaves_no_lease_behind(session, mail_via_smtp):
    row = queue_report_email(session, ADDRESS, subscribe=False)

    row.refresh_from_db()
    assert (row.status, row.lease_until) == ("sent", None)
    assert row.handed_over_at is not None and row.handed_over_at <= row.sent_at


def test_lease_outlives_the_task_timeout_and_ends_before_the_queue_retries(settings):
    timeout = settings.Q_CLUSTER["timeout"]
    retry = settings.Q_CLUSTER["retry"]
    assert timedelta(seconds=timeout) < tasks.lease() < timedelta(seconds=retry)


def test_recovery_runs_every_two_minutes_on_the_worker():
    schedule = Schedule.objects.get(name="reports-recover-abandoned-mails")
    assert schedule.func == "securebase.reports.tasks.recover_report_emails"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 2, -1)
