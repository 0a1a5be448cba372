"""Sending an issue: claim one delivery at a time, send it, record what happened.

Exactly-once is impossible over SMTP (a worker can die after the server accepted a mail
and before we wrote that down), so this is *at most once* per delivery:

- A delivery is claimed with one conditional UPDATE (``status -> sending`` only if it is
  still due); the row count says whether this worker won, so two workers never send the
  same mail. This works the same on SQLite and PostgreSQL.
- Anything ``sent`` is never looked at again, so a run can be repeated at will: after a
  restart, ``send_issue`` simply continues with what is left.
- The one ambiguous case is a delivery left ``sending`` by a worker that died. After
  :data:`STALE_AFTER` (far longer than any single SMTP exchange may take) it is marked
  ``unknown`` and **not** resent automatically: a possibly missing tips mail is better
  than a duplicate. Operators see these in the admin and may resend them on purpose.
- Temporary failures are retried with exponential backoff, at most :data:`MAX_ATTEMPTS`
  times; a permanent failure suppresses the address.

A run stops after :data:`RUN_BUDGET` so it stays well inside django-q2's task timeout;
the task then queues its own continuation.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from securebase.newsletter import mail, services
from securebase.newsletter.failures import Failure, classify
from securebase.newsletter.models import Delivery, Issue, Subscriber

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=2)  # 2, 8, 32, 128 minutes between the five attempts
STALE_AFTER = timedelta(minutes=5)
RUN_BUDGET = timedelta(seconds=60)

OPEN = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.FAILED_TEMPORARY)


@dataclass(frozen=True)
class RunReport:
    handled: int
    finished: bool  # nothing left to do: the issue is now "sent"
    more_due_now: bool  # stopped by the budget/limit while deliveries were ready
    halted: bool  # stopped because the mail server failed us as a whole
    next_wake: datetime | None  # when a later run has something to do


def backoff(attempts: int) -> timedelta:
    return BACKOFF_BASE * (4 ** max(attempts - 1, 0))


class _Connection:
    """One SMTP connection per run, reopened after any failure."""

    def __init__(self) -> None:
        self._backend: BaseEmailBackend | None = None

    def send(self, message: EmailMessage) -> None:
        if self._backend is None:
            backend = get_connection(fail_silently=False)
            backend.open()
            self._backend = backend
        if self._backend.send_messages([message]) != 1:
            raise OSError("the mail backend did not send the message")

    def reset(self) -> None:
        backend, self._backend = self._backend, None
        if backend is not None:
            try:
                backend.close()
            except Exception:  # noqa: BLE001 - a broken connection is being dropped anyway
                logger.info("closing a failed SMTP connection raised; ignored")


def _due(now: datetime) -> Q:
    return Q(status=Delivery.Status.PENDING) | Q(
        status=Delivery.Status.FAILED_TEMPORARY, next_attempt_at__lte=now
    )


def _claim_next(issue: Issue) -> Delivery | None:
    now = timezone.now()
    candidates = (
        Delivery.objects.filter(_due(now), issue=issue, subscriber__isnull=False)
        .order_by("id")
        .values_list("pk", flat=True)[:20]
    )
    for pk in list(candidates):
        won = Delivery.objects.filter(_due(now), pk=pk).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        if won:
            return Delivery.objects.select_related("subscriber").get(pk=pk)
    return None


def _tidy(issue: Issue) -> None:
    """Settle rows no worker will ever finish: orphans of unsubscribes, and crashed sends."""
    Delivery.objects.filter(
        issue=issue,
        status__in=(Delivery.Status.PENDING, Delivery.Status.FAILED_TEMPORARY),
        subscriber__isnull=True,
    ).update(status=Delivery.Status.CANCELLED, next_attempt_at=None)
    stale = Delivery.objects.filter(
        issue=issue, status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - STALE_AFTER
    ).update(status=Delivery.Status.UNKNOWN)
    if stale:
        logger.warning("issue %s: %s deliveries left mid-send by a stopped worker", issue.pk, stale)


def _record_failure(delivery: Delivery, subscriber: Subscriber, failure: Failure) -> None:
    rows = Delivery.objects.filter(pk=delivery.pk)
    if failure.permanent:
        rows.update(
            status=Delivery.Status.FAILED_PERMANENT,
            last_smtp_code=failure.code,
            next_attempt_at=None,
        )
        services.suppress(subscriber, failure.code)
    elif delivery.attempts >= MAX_ATTEMPTS:
        rows.update(
            status=Delivery.Status.FAILED_PERMANENT,
            last_smtp_code=failure.code,
            next_attempt_at=None,
        )
    else:
        rows.update(
            status=Delivery.Status.FAILED_TEMPORARY,
            last_smtp_code=failure.code,
            next_attempt_at=timezone.now() + backoff(delivery.attempts),
        )
    logger.warning(
        "issue %s delivery %s attempt %s failed (%s)",
        delivery.issue_id,
        delivery.pk,
        delivery.attempts,
        failure.describe(),
    )


def _send_one(delivery: Delivery, rendered: mail.RenderedIssue, connection: _Connection) -> bool:
    """Send one claimed delivery; returns False when the run should stop (server trouble)."""
    subscriber = delivery.subscriber
    if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.CANCELLED)
        return True
    message = mail.issue_message(
        rendered, to=subscriber.email, unsubscribe_key=subscriber.unsubscribe_key
    )
    try:
        connection.send(message)
    except Exception as exc:  # noqa: BLE001 - classified: retry, suppress or stop the run
        failure = classify(exc)
        connection.reset()
        _record_failure(delivery, subscriber, failure)
        return not failure.halt
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        last_smtp_code=250,
        next_attempt_at=None,
    )
    return True


def deliver(
    issue_id: int, *, max_messages: int | None = None, budget: timedelta = RUN_BUDGET
) -> RunReport | None:
    """Work through an issue's due deliveries; ``None`` if the issue is not being sent.

    ``max_messages`` bounds one run (a worker that stops after N mails is exactly what
    a restart looks like, which is how the tests exercise it).
    """
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).first()
    if issue is None:
        return None
    _tidy(issue)
    rendered = mail.RenderedIssue.of(issue)
    connection = _Connection()
    deadline = time.monotonic() + budget.total_seconds()
    handled = 0
    halted = False
    stopped_early = False
    try:
        while True:
            if (max_messages is not None and handled >= max_messages) or (
                time.monotonic() > deadline
            ):
                stopped_early = True
                break
            delivery = _claim_next(issue)
            if delivery is None:
                break
            handled += 1
            if not _send_one(delivery, rendered, connection):
                halted = True
                break
    finally:
        connection.reset()
    return _conclude(issue, handled=handled, halted=halted, stopped_early=stopped_early)


def _conclude(issue: Issue, *, handled: int, halted: bool, stopped_early: bool) -> RunReport:
    now = timezone.now()
    rows = Delivery.objects.filter(issue=issue)
    if not rows.filter(status__in=OPEN).exists():
        Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, sent_at=now
        )
        return RunReport(handled, finished=True, more_due_now=False, halted=halted, next_wake=None)
    more_due_now = stopped_early and rows.filter(_due(now), subscriber__isnull=False).exists()
    wakes: list[datetime] = []
    if halted:
        wakes.append(now + BACKOFF_BASE)
    elif rows.filter(status=Delivery.Status.PENDING).exists():
        wakes.append(now + STALE_AFTER)
    retry_at = rows.filter(status=Delivery.Status.FAILED_TEMPORARY).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    if retry_at is not None:
        wakes.append(max(retry_at, now))
    oldest_claim = rows.filter(status=Delivery.Status.SENDING).aggregate(at=Min("claimed_at"))["at"]
    if oldest_claim is not None:
        wakes.append(max(oldest_claim + STALE_AFTER + timedelta(seconds=5), now))
    return RunReport(
        handled,
        finished=False,
        more_due_now=more_due_now and not halted,
        halted=halted,
        next_wake=min(wakes) if wakes else now + STALE_AFTER,
    )


def progress(issue: Issue) -> dict[str, int]:
    """Delivery counts by status, for operators watching a send."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    rows = Delivery.objects.filter(issue=issue).values("status").order_by().annotate(n=Count("id"))
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts
