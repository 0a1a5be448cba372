"""Newsletter data: who asked for it, what we send, and what happened to each mail.

Least data: a subscriber is an address, a status and a few timestamps. Unsubscribing
deletes the row. An address that hard-bounced is not kept either: only a keyed hash of
it stays in :class:`Suppression`, enough to refuse mailing it again, useless for
reading who it was. Deliveries point at subscribers with ``SET_NULL`` so that when a
person leaves, their address goes but the anonymous fact "one mail of issue 3 was
sent" stays, and the operators' progress counts remain true.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


def new_secret() -> str:
    """256 random bits, URL-safe: per-subscriber keys for links nobody may guess."""
    return secrets.token_urlsafe(32)


def reject_line_breaks(value: str) -> None:
    """Mail headers end at a line break; one inside a subject would inject new headers."""
    if "\r" in value or "\n" in value or "\x00" in value:
        raise ValidationError("This must be a single line (no line breaks).")


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"

    # Stored normalised (trimmed, lower case) so "A@x.org" and "a@x.org" are one person.
    email = models.EmailField(max_length=254, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Part of the confirmation link; cleared on confirmation so each link works once.
    confirm_nonce = models.CharField(max_length=64, blank=True, default=new_secret)
    # Part of every unsubscribe link; never changes, so links in old mails keep working.
    unsubscribe_key = models.CharField(max_length=64, unique=True, default=new_secret)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the latest confirmation mail was requested: unconfirmed rows are purged
    # once every link sent to them has expired.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "confirmation_sent_at"])]

    def __str__(self) -> str:
        return f"Subscriber #{self.pk}"


class Suppression(models.Model):
    """An address we must never mail again (it bounced permanently), kept only as a hash."""

    address_hash = models.CharField(max_length=64, unique=True)
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Suppressed address {self.address_hash[:12]}…"


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=150, validators=[reject_line_breaks])
    preheader = models.CharField(
        max_length=200,
        blank=True,
        validators=[reject_line_breaks],
        help_text="One sentence shown under the subject in most inboxes and atop the mail.",
    )
    body_markdown = models.TextField(
        "Body (Markdown)",
        help_text="Markdown; raw HTML is shown as text. Links may be site paths like /help/.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One issue to one subscriber: the unit that is claimed, sent and recorded exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED_TEMPORARY = "failed_temporary", "Temporary failure (will retry)"
        FAILED_PERMANENT = "failed_permanent", "Failed permanently"
        # A worker died while this mail was in flight: the SMTP server may or may not
        # have accepted it. Never resent automatically (no one gets a mail twice);
        # operators may choose to retry from the admin.
        UNKNOWN = "unknown", "Outcome unknown (worker stopped mid-send)"
        CANCELLED = "cancelled", "Not sent (unsubscribed first)"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"],
                condition=Q(subscriber__isnull=False),
                name="newsletter_one_delivery_per_subscriber",
            )
        ]
        indexes = [models.Index(fields=["issue", "status"])]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Delivery #{self.pk} of issue #{self.issue_id}"
