"""The newsletter's rules: subscribe, confirm, unsubscribe, suppress, purge, start a send.

Views, the admin, tasks and other apps (the report-email form) call these functions;
none of them holds business logic of its own.

No enumeration: :func:`request_subscription` behaves the same for a new, a pending, a
confirmed and a suppressed address as far as the caller can see (returns ``None``,
enqueues the same task). Only the background task decides whether a confirmation mail
is sent: yes for pending addresses, no for confirmed ones (they already get every
issue, each with an unsubscribe link; a "you are already subscribed" mail would only
let strangers pester them) and never for suppressed ones.
"""

from __future__ import annotations

import enum
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from securebase.core import limits
from securebase.newsletter import mail, schedules
from securebase.newsletter.addresses import InvalidEmail, address_hash, normalise_email
from securebase.newsletter.failures import classify
from securebase.newsletter.models import Delivery, Issue, Subscriber, Suppression, new_secret
from securebase.newsletter.tokens import (
    CONFIRM_MAX_AGE_SECONDS,
    ExpiredLink,
    InvalidLink,
    read_confirm_token,
    read_unsubscribe_token,
)

logger = logging.getLogger(__name__)

__all__ = ["InvalidEmail", "request_subscription"]

# Unconfirmed addresses are deleted once every link sent to them has expired.
UNCONFIRMED_RETENTION = timedelta(seconds=CONFIRM_MAX_AGE_SECONDS)
# When a send's first run should have long finished or died (see sending.STALE_AFTER).
WATCHDOG_DELAY = timedelta(minutes=6)


class AlreadyStarted(Exception):
    """The issue is not a draft any more; sending twice would mail everyone twice."""


def request_subscription(email: str) -> None:
    """Start double opt-in for ``email``; raises ``ValueError`` (InvalidEmail) if it is not one.

    The confirmation mail is sent by a background task given only the subscriber id,
    so the address never lands in the task queue.
    """
    address = normalise_email(email)
    digest = address_hash(address)
    if limits.NEWSLETTER_PER_ADDRESS.reached_by(digest):
        return
    if Suppression.objects.filter(address_hash=digest).exists():
        return
    subscriber, _ = Subscriber.objects.get_or_create(email=address)
    async_task("securebase.newsletter.tasks.send_confirmation", subscriber.pk)


def send_confirmation(subscriber_id: int) -> bool:
    """Mail the confirmation link to a still-pending subscriber; True if a mail went out.

    A 5xx answer suppresses the address at once. A temporary failure is not retried
    here: the person is told to ask again if nothing arrives, and a retry loop for a
    mail that was possibly typed by someone else is not worth its complexity.
    """
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.PENDING
    ).first()
    if subscriber is None:
        return False
    if not subscriber.confirm_nonce:
        subscriber.confirm_nonce = new_secret()
        subscriber.save(update_fields=["confirm_nonce"])
    message = mail.confirmation_message(
        to=subscriber.email,
        subscriber_id=subscriber.pk,
        nonce=subscriber.confirm_nonce,
        unsubscribe_key=subscriber.unsubscribe_key,
    )
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - every SMTP/OS failure is classified below
        failure = classify(exc)
        logger.warning(
            "confirmation mail for subscriber %s failed (%s)", subscriber.pk, failure.describe()
        )
        if failure.permanent:
            suppress(subscriber, failure.code)
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=timezone.now())
    return True


class LinkState(enum.Enum):
    VALID = "valid"  # a genuine, unused, unexpired link
    CONFIRMED = "confirmed"  # this request confirmed the subscription
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"  # forged, mangled, used, or the address was deleted meanwhile
    UNSUBSCRIBED = "unsubscribed"  # this request removed the address
    NOT_SUBSCRIBED = "not_subscribed"  # a genuine link, but the address is already gone


def check_confirmation(token: str) -> LinkState:
    """What the confirmation link would do, without doing it (GET must change nothing)."""
    try:
        claim = read_confirm_token(token)
    except ExpiredLink:
        return LinkState.EXPIRED
    except InvalidLink:
        return LinkState.INVALID
    subscriber = Subscriber.objects.filter(pk=claim.subscriber_id).first()
    if subscriber is None:
        return LinkState.INVALID
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return LinkState.ALREADY_CONFIRMED
    if subscriber.confirm_nonce and subscriber.confirm_nonce == claim.nonce:
        return LinkState.VALID
    return LinkState.INVALID


def confirm_subscription(token: str) -> LinkState:
    """Confirm with a single conditional UPDATE: of two simultaneous clicks only one wins."""
    try:
        claim = read_confirm_token(token)
    except ExpiredLink:
        return LinkState.EXPIRED
    except InvalidLink:
        return LinkState.INVALID
    confirmed = (
        Subscriber.objects.filter(
            pk=claim.subscriber_id, status=Subscriber.Status.PENDING, confirm_nonce=claim.nonce
        )
        .exclude(confirm_nonce="")
        .update(status=Subscriber.Status.CONFIRMED, confirm_nonce="", confirmed_at=timezone.now())
    )
    if confirmed:
        return LinkState.CONFIRMED
    if Subscriber.objects.filter(
        pk=claim.subscriber_id, status=Subscriber.Status.CONFIRMED
    ).exists():
        return LinkState.ALREADY_CONFIRMED
    return LinkState.INVALID


def check_unsubscribe(token: str) -> LinkState:
    try:
        key = read_unsubscribe_token(token)
    except InvalidLink:
        return LinkState.INVALID
    if Subscriber.objects.filter(unsubscribe_key=key).exists():
        return LinkState.VALID
    return LinkState.NOT_SUBSCRIBED


def unsubscribe(token: str) -> LinkState:
    """Delete the address behind a genuine unsubscribe token; idempotent."""
    try:
        key = read_unsubscribe_token(token)
    except InvalidLink:
        return LinkState.INVALID
    deleted, _ = Subscriber.objects.filter(unsubscribe_key=key).delete()
    return LinkState.UNSUBSCRIBED if deleted else LinkState.NOT_SUBSCRIBED


def suppress(subscriber: Subscriber, smtp_code: int | None) -> None:
    """Never mail this address again: keep its keyed hash, delete the address itself."""
    with transaction.atomic():
        Suppression.objects.get_or_create(
            address_hash=address_hash(subscriber.email), defaults={"smtp_code": smtp_code}
        )
        Subscriber.objects.filter(pk=subscriber.pk).delete()


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Delete addresses that were never confirmed and whose links have all expired."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_RETENTION
    stale = Q(confirmation_sent_at__lt=cutoff) | Q(
        confirmation_sent_at__isnull=True, created_at__lt=cutoff
    )
    deleted, _ = Subscriber.objects.filter(stale, status=Subscriber.Status.PENDING).delete()
    return deleted


def send_test_mail(issue: Issue, to: str) -> None:
    """Send the issue to one operator, now, as subscribers will see it (subject marked [Test]).

    The unsubscribe link is a genuine-looking one for a key no subscriber has, so the
    operator can click through the pages without removing anybody.
    """
    address = normalise_email(to)
    rendered = mail.RenderedIssue.of(issue)
    rendered = mail.RenderedIssue(
        subject=f"[Test] {rendered.subject}",
        preheader=rendered.preheader,
        text=rendered.text,
        html=rendered.html,
    )
    mail.issue_message(rendered, to=address, unsubscribe_key=new_secret()).send()


def start_sending(issue_id: int) -> int:
    """Queue the issue for every confirmed subscriber; returns how many deliveries were made.

    Delivery rows are created in the same transaction that flips the issue to
    "sending", so a crash here leaves either a draft or a complete send list, never
    half of one. The row lock on the issue makes a double click send only once.
    """
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue_id)
        if issue.status != Issue.Status.DRAFT:
            raise AlreadyStarted
        subscriber_ids = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).values_list(
            "pk", flat=True
        )
        Delivery.objects.bulk_create(
            [Delivery(issue=issue, subscriber_id=pk) for pk in subscriber_ids.iterator()],
            ignore_conflicts=True,
            batch_size=500,
        )
        issue.status = Issue.Status.SENDING
        issue.send_started_at = timezone.now()
        issue.save(update_fields=["status", "send_started_at", "updated_at"])
        count = Delivery.objects.filter(issue=issue).count()
        # If the queued task is lost with its worker, the scheduler still starts a run.
        schedules.wake_at(issue.pk, timezone.now() + WATCHDOG_DELAY)
    async_task(schedules.SEND_ISSUE, issue.pk)
    return count


def retry_unknown(delivery_ids: list[int]) -> int:
    """Operator decision: resend deliveries whose outcome is unknown (may duplicate one mail)."""
    with transaction.atomic():
        rows = Delivery.objects.filter(
            pk__in=delivery_ids, status=Delivery.Status.UNKNOWN, subscriber__isnull=False
        )
        issue_ids = set(rows.values_list("issue_id", flat=True))
        count = rows.update(status=Delivery.Status.PENDING, next_attempt_at=None)
        Issue.objects.filter(pk__in=issue_ids).update(status=Issue.Status.SENDING)
    for issue_id in issue_ids:
        async_task(schedules.SEND_ISSUE, issue_id)
    return count
