"""The only thing this app stores: report mails waiting to be sent.

A row exists so the background task can find the address without the address ever
travelling through the task queue. The address is blanked as soon as the mail has gone
(or has failed for good); what stays is the delivery state, which holds nothing personal.
"""

from django.db import models


class ReportEmail(models.Model):
    """One "email me my report" request.

    Deleted with its quiz session (CASCADE): "Delete my answers" must also cancel mail
    that is still in the queue, and the task stops quietly when its row is gone.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    session = models.ForeignKey(
        "quiz.QuizSession", on_delete=models.CASCADE, related_name="report_emails"
    )
    email = models.EmailField(blank=True)
    subscribe = models.BooleanField(
        default=False, help_text="The person also asked for the newsletter (separate checkbox)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="SMTP reply code of the last failure (never its text)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While sending: when this claim counts as abandoned (the worker died).",
    )
    handed_over_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the message went to the SMTP server; after that it is never resent.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        # Never the address: this string shows up in the admin and in logs.
        return f"Report mail #{self.pk} ({self.status})"
