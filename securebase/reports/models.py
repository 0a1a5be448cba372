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


class ReportPDF(models.Model):
    """The PDF of one result, made once and served again until the result changes.

    ``fingerprint`` is a hash of everything the PDF is drawn from (the report's HTML and
    its print stylesheet), so a changed result, norm group, wording or layout makes a new
    PDF instead of serving a stale one. Deleted with its quiz session (CASCADE): deleting a
    result deletes its PDF in the same statement, on every host that shares the database.
    """

    session = models.OneToOneField(
        "quiz.QuizSession", on_delete=models.CASCADE, related_name="report_pdf"
    )
    fingerprint = models.CharField(max_length=64)
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Report PDF #{self.pk}"


class DeletedResult(models.Model):
    """A result link whose answers the person deleted, kept only as a keyed hash.

    The token itself is gone with the session; what stays is HMAC-SHA256(SECRET_KEY, token),
    which tells someone who already holds the link that it was deleted (instead of a bare
    "not found") and tells nobody else anything: the token is 256 random bits, so the hash
    cannot be reversed or matched without both the key and the link.
    """

    token_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Deleted result #{self.pk}"
