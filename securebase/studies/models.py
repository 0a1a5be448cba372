"""A research study that runs the ECR: who owns it, who takes part, what they agreed to.

A participant's answers stay a normal quiz session (``quiz.QuizSession``): the participant
row only ties that session to a study, a consent version, a wave and a pseudonymous key.
Deleting the session (the person withdraws from their private link) deletes the
participant row with it, so every count and export drops them at once.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from securebase.quiz.models import QuizSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Panel ids and wave keys: letters, digits and a few separators, as panels issue them.
SAFE_ID = RegexValidator(
    r"^[A-Za-z0-9_.\-]{1,64}$", "Use 1 to 64 letters, digits, dots, dashes or underscores."
)
#: Names of the query-string parameter a panel uses for its participant id.
PARAMETER_NAME = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_]{0,39}$", "Start with a letter; then letters, digits or underscores."
)


def new_key() -> str:
    """Pseudonymous participant key for exports: random, so it links to nothing else."""
    return secrets.token_hex(8)


def new_code() -> str:
    """Completion code a panel checks; it proves completion, not identity."""
    return secrets.token_hex(4).upper()


def new_secret() -> str:
    """Invitation links and API tokens: 256 bits, shown once."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored of an invitation or API token: a leaked table does not leak them."""
    return hashlib.sha256(secret.encode()).hexdigest()


class StudyForm(models.TextChoices):
    FULL = "full", "Full 36-question ECR"
    ADAPTIVE = "adaptive", "Quick adaptive test"
    CHOICE = "choice", "The participant chooses"


class Feedback(models.TextChoices):
    RESULT = "result", "Their result and report at once"
    THANKS = "thanks", "A thank-you page only"
    AFTER_CLOSE = "after_close", "Their result once the study has closed"


class Role(models.TextChoices):
    OWNER = "owner", "Owner (edit, invite, export)"
    VIEWER = "viewer", "Viewer (dashboard and exports)"


class Study(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=120)
    form = models.CharField(max_length=8, choices=StudyForm.choices, default=StudyForm.FULL)
    feedback = models.CharField(max_length=12, choices=Feedback.choices, default=Feedback.RESULT)
    ask_demographics = models.BooleanField(default=False)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    target = models.PositiveIntegerField(default=100)
    # Waves ("before", "after"): comma-separated keys; empty = one sitting per participant.
    waves = models.CharField(max_length=200, blank=True, default="")
    panel_parameter = models.CharField(
        max_length=40, blank=True, default="", validators=[PARAMETER_NAME]
    )
    completion_url = models.URLField(max_length=500, blank=True, default="")
    completion_code = models.CharField(max_length=16, default=new_code)
    invitation_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="studies"
    )

    class Meta:
        verbose_name_plural = "studies"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def wave_keys(self) -> list[str]:
        return [key.strip() for key in self.waves.split(",") if key.strip()]


class Membership(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=8, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "user"], name="studies_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of study {self.study_id}"


class ConsentText(models.Model):
    """One version of a study's consent text; participants keep the version they agreed to."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="consents")
    version = models.PositiveIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["study", "version"], name="studies_consent_version")
        ]

    def __str__(self) -> str:
        return f"consent version {self.version}"


class Invitation(models.Model):
    """A single-use invitation link for studies without a panel."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="invitations")
    token_digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=64, blank=True, default="", validators=[SAFE_ID])
    wave = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.label or self.pk} ({'used' if self.used_at else 'unused'})"


class Participant(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    session = models.OneToOneField(
        QuizSession, on_delete=models.CASCADE, related_name="study_participant"
    )
    key = models.CharField(max_length=16, default=new_key, db_index=True)
    panel_id = models.CharField(max_length=64, blank=True, default="", validators=[SAFE_ID])
    wave = models.CharField(max_length=64, blank=True, default="")
    consent = models.ForeignKey(ConsentText, on_delete=models.PROTECT)
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gender = models.CharField(max_length=8, blank=True, default="")
    age_band = models.CharField(max_length=8, blank=True, default="")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["study", "key", "wave"], name="studies_participant_once_per_wave"
            )
        ]

    def __str__(self) -> str:
        # The pseudonymous key only: never the panel id or the quiz token.
        return f"participant {self.key}"


class AccessToken(models.Model):
    """A read-only API token for one study's export; only its digest is kept."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="tokens")
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token {self.pk} ({'revoked' if self.revoked_at else 'live'})"


class ExportLog(models.Model):
    """Who exported which study's data, when, in which format (kept with the study)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="exports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    token = models.ForeignKey(AccessToken, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=16)
    rows = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} export of {self.rows} rows"
