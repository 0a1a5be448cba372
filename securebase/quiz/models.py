"""One quiz attempt and its answers.

A session is reachable only through its unguessable token (the private resume/result
link); there is no account, name or IP address. ``state`` holds what the question order
needs to continue (for the adaptive form, ``AdaptiveTest.to_dict()``), and ``Answer``
rows mirror the answers given so far: they make double submits checkable in SQL and
feed the consented research export without decoding JSON.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models.functions import Now


def new_token() -> str:
    """43 URL-safe characters, 256 bits: the only key to someone's answers."""
    return secrets.token_urlsafe(32)


class QuizForm(models.TextChoices):
    ADAPTIVE = "adaptive", "Quick adaptive test"
    FULL = "full", "Full 36-question test"


class Gender(models.TextChoices):
    """Answers to the optional last step, with the values psychometrics' norms use."""

    FEMALE = "female", "Woman"
    MALE = "male", "Man"
    OTHER = "other", "Another gender"


class QuizSession(models.Model):
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    form = models.CharField(max_length=8, choices=QuizForm.choices)
    consent_research = models.BooleanField(default=False)
    # The optional last step. Kept only with research consent (``services.choose_norm_group``);
    # empty = not given, declined, or not kept.
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True, default="")
    age_band = models.CharField(max_length=8, blank=True, default="")
    state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    # The sitting this one retakes ("Take it again" from the earlier private link), so a
    # person can see what changed without an account; see ``quiz.sittings``.
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retakes"
    )

    class Meta:
        verbose_name = "quiz session"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(form__in=["adaptive", "full"]), name="quiz_session_form_valid"
            )
        ]

    def __str__(self) -> str:
        # Never the token: this string shows up in the admin and in log lines.
        status = "completed" if self.completed_at else "in progress"
        return f"{self.get_form_display()} ({status})"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class Answer(models.Model):
    session = models.ForeignKey(QuizSession, on_delete=models.CASCADE, related_name="answers")
    item = models.PositiveSmallIntegerField()
    value = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    # Set by the database when the row is stored, so every way of storing an answer records
    # it; the gaps between answers give the time per answer (``services.seconds_per_answer``).
    # Empty for answers stored before it existed.
    answered_at = models.DateTimeField(db_default=Now(), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="quiz_answer_once_per_item"),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5), name="quiz_answer_value_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(item__gte=1, item__lte=36), name="quiz_answer_item_1_to_36"
            ),
        ]

    def __str__(self) -> str:
        return f"answer #{self.position}"
