"""Background delivery of report mails (django-q2), with retries for temporary failures.

Only the row id travels through the queue. The task re-reads the row every time: if the
person deleted their answers meanwhile, the row is gone (CASCADE) and nothing is sent.
A 4xx reply or a connection problem before the message is handed over is retried with
exponential backoff through a one-off ``Schedule``; a 5xx reply is final. Either way the
address is blanked once the mail has gone or can no longer go.

Crash safety, at most once. A worker *claims* a row (status ``sending``, a lease until
``lease_until``, ``attempts`` + 1 as a fencing number) before it renders the PDF. Just
before the message goes to the SMTP server it records ``handed_over_at``. If the worker
dies (``kill -9``, out of memory, a lost host), nothing marks the row: the lease expires
and whoever looks next (the re-delivered task or :func:`recover_report_emails`, every
two minutes) decides by one rule:

- never handed over: nothing can have reached anyone, so the mail is queued again;
- handed over: the SMTP server may have accepted it, and sending again could mail a
  person twice, so it is *not* resent: the row becomes ``failed`` and the address is
  blanked (the operator sees it in the admin; the person can ask again).

The same rule covers an error after hand-over that has no SMTP reply code (a connection
dropped while the message was being transferred). Replies with a code are definite:
the server refused the message, so a 4xx is retried and a 5xx is final.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from securebase.newsletter.services import request_subscription
from securebase.reports.mail import report_message
from securebase.reports.models import ReportEmail
from securebase.reports.pdf import pdf_for
from securebase.reports.services import (
    REPORT_TASK,
    build_report_context,
    purge_stale_report_emails,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
# A queued row untouched this long has lost its task (a broker without acknowledgements
# loses what a killed worker had taken); longer than the longest retry backoff (8 min).
LOST_AFTER = timedelta(minutes=15)


def lease() -> timedelta:
    """How long a claim holds: longer than the task timeout, shorter than the queue's retry."""
    return timedelta(seconds=settings.SECUREBASE_REPORT_MAIL_LEASE_SECONDS)


def smtp_code(exc: BaseException) -> int | None:
    """The SMTP reply code behind a sending error, ``None`` for network-level errors."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return int(codes[0]) if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return int(exc.smtp_code)
    return None


def is_temporary(code: int | None) -> bool:
    """Connection problems and 4xx replies may work later; 5xx replies will not."""
    return code is None or 400 <= code < 500


def _claim(report_email_id: int) -> ReportEmail | None:
    """Take the row for one attempt; ``None`` when there is nothing (more) to send.

    Runs in one transaction on the locked row, so of two runs of the task (a retry and a
    re-delivered one, or two workers) only one gets it. A ``sending`` row whose lease has
    run out belongs to a dead worker and is settled here by the rule in the module doc.
    """
    now = timezone.now()
    with transaction.atomic():
        row = (
            ReportEmail.objects.select_for_update()
            .select_related("session")
            .filter(pk=report_email_id)
            .first()
        )
        if row is None or not row.email:
            return None
        abandoned = (
            row.status == ReportEmail.Status.SENDING
            and row.lease_until is not None
            and row.lease_until < now
        )
        if abandoned and row.handed_over_at is not None:
            _settle_unknown(row)
            return None
        if row.status != ReportEmail.Status.QUEUED and not abandoned:
            return None
        row.status = ReportEmail.Status.SENDING
        row.attempts += 1
        row.lease_until = now + lease()
        row.handed_over_at = None
        row.save(
            update_fields=["status", "attempts", "lease_until", "handed_over_at", "updated_at"]
        )
    return row


def _settle_unknown(row: ReportEmail) -> None:
    """The message may have been delivered: never resend it, forget the address, say so."""
    ReportEmail.objects.filter(pk=row.pk).update(
        status=ReportEmail.Status.FAILED,
        email="",
        lease_until=None,
        last_error_code=None,
        updated_at=timezone.now(),
    )
    logger.warning("report mail %s: outcome unknown after a crash; not resent", row.pk)


def _hand_over(row: ReportEmail) -> bool:
    """Record that the message is about to go to SMTP; False if the claim was lost."""
    return bool(
        ReportEmail.objects.filter(
            pk=row.pk, status=ReportEmail.Status.SENDING, attempts=row.attempts
        ).update(handed_over_at=timezone.now())
    )


def _finish(row: ReportEmail, status: str, code: int | None) -> None:
    """Record the outcome and forget the address (the row may have been deleted: fine)."""
    now = timezone.now()
    ReportEmail.objects.filter(pk=row.pk).update(
        status=status,
        email="",
        lease_until=None,
        last_error_code=code,
        sent_at=now if status == ReportEmail.Status.SENT else None,
        updated_at=now,
    )


def _retry_later(row: ReportEmail, code: int | None) -> None:
    delay = FIRST_RETRY * 2 ** (row.attempts - 1)
    updated = ReportEmail.objects.filter(pk=row.pk).update(
        status=ReportEmail.Status.QUEUED,
        last_error_code=code,
        lease_until=None,
        handed_over_at=None,
        updated_at=timezone.now(),
    )
    if updated:
        Schedule.objects.create(
            name=f"report-email-{row.pk}-retry-{row.attempts}",
            func=REPORT_TASK,
            args=repr((row.pk,)),
            schedule_type=Schedule.ONCE,
            next_run=timezone.now() + delay,
        )


def _subscribe(row: ReportEmail) -> None:
    try:
        request_subscription(row.email)
    except ValueError:
        logger.warning("report mail %s: newsletter subscription refused the address", row.pk)


def send_report_email(report_email_id: int) -> str:
    """Send one report mail; returns what happened (for the task log, never an address)."""
    row = _claim(report_email_id)
    if row is None:
        return "nothing to send"
    try:
        report = build_report_context(row.session)
        message = report_message(row, pdf_for(row.session, report))
    except Exception:
        _finish(row, ReportEmail.Status.FAILED, None)
        raise
    connection = get_connection(fail_silently=False)
    handed_over = False
    try:
        connection.open()  # a refused or timed-out connection: nothing was handed over
        if not _hand_over(row):
            return "claim lost"
        handed_over = True
        message.connection = connection
        message.send(fail_silently=False)
    except OSError as exc:  # smtplib errors, refused connections and timeouts
        return _after_failure(row, smtp_code(exc), handed_over=handed_over)
    finally:
        connection.close()
    try:
        if row.subscribe:
            _subscribe(row)
    finally:
        _finish(row, ReportEmail.Status.SENT, None)
    return "sent"


def _after_failure(row: ReportEmail, code: int | None, *, handed_over: bool) -> str:
    if code is None and handed_over:
        _settle_unknown(row)  # the connection broke during the transfer: maybe delivered
        return "outcome unknown"
    if is_temporary(code) and row.attempts < MAX_ATTEMPTS:
        _retry_later(row, code)
        logger.info("report mail %s: temporary failure %s, retry scheduled", row.pk, code)
        return "retry scheduled"
    _finish(row, ReportEmail.Status.FAILED, code)
    logger.warning("report mail %s: failed for good (%s)", row.pk, code)
    return "failed"


def recover_report_emails() -> int:
    """Every two minutes: settle claims of dead workers and re-queue lost tasks.

    Returns how many rows were queued again. Harmless to run at any time and in several
    processes: :func:`_claim` decides under a row lock, and a row queued twice is sent
    once.
    """
    now = timezone.now()
    abandoned = ReportEmail.objects.filter(
        status=ReportEmail.Status.SENDING, lease_until__lt=now
    ).exclude(email="")
    lost = ReportEmail.objects.filter(
        status=ReportEmail.Status.QUEUED, updated_at__lt=now - LOST_AFTER
    ).exclude(email="")
    ids = sorted({*abandoned.values_list("pk", flat=True), *lost.values_list("pk", flat=True)})
    for pk in ids:
        async_task(REPORT_TASK, pk, task_name="report-email")
    return len(ids)


def purge_report_emails() -> int:
    """Daily: delete report mails that still hold an address after a day (a worker died).

    Scheduled by a migration; ``manage.py purge_report_emails`` does the same by hand.
    """
    return purge_stale_report_emails(older_than=timedelta(days=1))
