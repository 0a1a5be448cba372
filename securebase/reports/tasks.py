"""Background delivery of report mails (django-q2), with retries for temporary failures.

Only the row id travels through the queue. The task re-reads the row every time: if the
person deleted their answers meanwhile, the row is gone (CASCADE) and nothing is sent.
A 4xx reply or a connection problem is retried with exponential backoff through a
one-off ``Schedule``; a 5xx reply is final. Either way the address is blanked once the
mail has gone or can no longer go. (A deletion that arrives while the message is already
being handed to the SMTP server cannot call it back; everything after that is skipped.)
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from securebase.newsletter.services import request_subscription
from securebase.reports.mail import report_message
from securebase.reports.models import ReportEmail
from securebase.reports.pdf import render_report_pdf
from securebase.reports.services import (
    REPORT_TASK,
    build_report_context,
    purge_stale_report_emails,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)


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
    """Mark a queued row as being sent, so two runs of the task never send twice."""
    with transaction.atomic():
        row = (
            ReportEmail.objects.select_for_update()
            .select_related("session")
            .filter(pk=report_email_id)
            .first()
        )
        if row is None or row.status != ReportEmail.Status.QUEUED or not row.email:
            return None
        row.status = ReportEmail.Status.SENDING
        row.attempts += 1
        row.save(update_fields=["status", "attempts", "updated_at"])
    return row


def _finish(row: ReportEmail, status: str, code: int | None) -> None:
    """Record the outcome and forget the address (the row may have been deleted: fine)."""
    now = timezone.now()
    ReportEmail.objects.filter(pk=row.pk).update(
        status=status,
        email="",
        last_error_code=code,
        sent_at=now if status == ReportEmail.Status.SENT else None,
        updated_at=now,
    )


def _retry_later(row: ReportEmail, code: int | None) -> None:
    delay = FIRST_RETRY * 2 ** (row.attempts - 1)
    updated = ReportEmail.objects.filter(pk=row.pk).update(
        status=ReportEmail.Status.QUEUED, last_error_code=code, updated_at=timezone.now()
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
        message = report_message(row, render_report_pdf(report))
    except Exception:
        _finish(row, ReportEmail.Status.FAILED, None)
        raise
    try:
        message.send(fail_silently=False)
    except OSError as exc:  # smtplib errors, refused connections and timeouts
        code = smtp_code(exc)
        if is_temporary(code) and row.attempts < MAX_ATTEMPTS:
            _retry_later(row, code)
            logger.info("report mail %s: temporary failure %s, retry scheduled", row.pk, code)
            return "retry scheduled"
        _finish(row, ReportEmail.Status.FAILED, code)
        logger.warning("report mail %s: failed for good (%s)", row.pk, code)
        return "failed"
    try:
        if row.subscribe:
            _subscribe(row)
    finally:
        _finish(row, ReportEmail.Status.SENT, None)
    return "sent"


def purge_report_emails() -> int:
    """Daily: delete report mails that still hold an address after a day (a worker died).

    Scheduled by a migration; ``manage.py purge_report_emails`` does the same by hand.
    """
    return purge_stale_report_emails(older_than=timedelta(days=1))
