"""What studies do: create them, let participants in, route them out, and decide who sees what.

Views stay thin; every rule lives here. Access follows one principle: a study is visible
only to its members (owner or viewer) and to superusers (the operator); to anyone else it
does not exist (404), so a slug cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from securebase.quiz import hooks
from securebase.quiz import services as quiz
from securebase.quiz.models import QuizForm, QuizSession
from securebase.studies.models import (
    AccessToken,
    ConsentText,
    Feedback,
    Invitation,
    Membership,
    Participant,
    Role,
    Study,
    digest,
    new_secret,
)

User = Account | AnonymousUser


class NotAllowed(Exception):
    """A member without the right role tried to change the study."""


class CannotJoin(Exception):
    """The study is not taking this participant; ``detail`` says why, in plain words."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


# --- who sees what -----------------------------------------------------------------------


def visible_studies(user: User) -> QuerySet[Study]:
    if not user.is_authenticated:
        return Study.objects.none()
    if getattr(user, "is_superuser", False):
        return Study.objects.all()
    return Study.objects.filter(memberships__user=user).distinct()


def role_of(user: User, study: Study) -> str | None:
    """The user's role in the study; superusers act as owners (they run the site)."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.OWNER
    membership = study.memberships.filter(user=user).first()
    return membership.role if membership else None


def study_for(user: User, slug: str, *, owner: bool = False) -> Study:
    """The study if ``user`` may see it (``owner``: may change it); 404 for everyone else."""
    study = Study.objects.filter(slug=slug).first()
    role = role_of(user, study) if study else None
    if study is None or role is None:
        raise Http404("no such study")
    if owner and role != Role.OWNER:
        raise NotAllowed("only the study's owners can do this")
    return study


@transaction.atomic
def create_study(owner: Account, study: Study, consent_text: str) -> Study:
    study.save()
    Membership.objects.create(study=study, user=owner, role=Role.OWNER)
    ConsentText.objects.create(study=study, version=1, text=consent_text)
    return study


def current_consent(study: Study) -> ConsentText:
    consent = study.consents.order_by("-version").first()
    if consent is None:
        raise CannotJoin("This study has no consent text yet.")
    return consent


@transaction.atomic
def update_consent(study: Study, text: str) -> ConsentText:
    """A new version when the text changes; earlier participants keep the one they agreed to."""
    consent = current_consent(study)
    if consent.text.strip() == text.strip():
        return consent
    return ConsentText.objects.create(study=study, version=consent.version + 1, text=text)


def add_member(study: Study, user: Account, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        study=study, user=user, defaults={"role": role}
    )
    return membership


# --- arriving and joining ------------------------------------------------------------------


def status(study: Study, now: datetime | None = None) -> str:
    """ "open", "not_yet" or "closed"."""
    now = now or timezone.now()
    if study.opens_at and now < study.opens_at:
        return "not_yet"
    if study.closes_at and now >= study.closes_at:
        return "closed"
    return "open"


@dataclass(frozen=True)
class Arrival:
    """What the study address was opened with, checked."""

    panel_id: str
    invitation: Invitation | None
    wave: str


def arrival(study: Study, params: dict[str, str]) -> Arrival:
    """Check the query string a participant arrives with (panel id, invitation, wave)."""
    if status(study) != "open":
        raise CannotJoin(
            "This study is not open yet."
            if status(study) == "not_yet"
            else "This study has closed."
        )
    panel_id = ""
    if study.panel_parameter:
        panel_id = params.get(study.panel_parameter, "").strip()
        if panel_id and not _safe_id(panel_id):
            raise CannotJoin("The participant id in this link is not valid.")
    invitation = None
    secret = params.get("invite", "")
    if secret:
        invitation = Invitation.objects.filter(
            study=study, token_digest=digest(secret[:100]), used_at__isnull=True
        ).first()
        if invitation is None:
            raise CannotJoin("This invitation link has been used already or is not valid.")
    elif study.invitation_only:
        raise CannotJoin("This study takes part by invitation only: please use your own link.")
    waves = study.wave_keys
    wave = invitation.wave if invitation and invitation.wave else params.get("wave", "")
    if waves and wave not in waves:
        wave = waves[0]
    if not waves:
        wave = ""
    return Arrival(panel_id=panel_id, invitation=invitation, wave=wave)


def _safe_id(value: str) -> bool:
    return 0 < len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "_.-") for c in value)


def _participant_key(study: Study, found: Arrival) -> str | None:
    """The key of this person's earlier wave, so that waves join up in the export."""
    if found.panel_id:
        earlier = study.participants.filter(panel_id=found.panel_id).first()
    elif found.invitation and found.invitation.label:
        earlier = study.participants.filter(invitation__label=found.invitation.label).first()
    else:
        earlier = None
    return earlier.key if earlier else None


@transaction.atomic
def join(
    study: Study,
    found: Arrival,
    *,
    consent: ConsentText,
    form: str,
    gender: str = "",
    age_band: str = "",
) -> Participant:
    """Start this participant's quiz: a normal quiz session tied to the study."""
    if form not in QuizForm.values:
        form = study.form if study.form in QuizForm.values else QuizForm.ADAPTIVE
    key = _participant_key(study, found)
    if key and study.participants.filter(key=key, wave=found.wave).exists():
        raise CannotJoin("You have already taken part in this part of the study. Thank you!")
    session = quiz.start_session(form, consent_research=False)
    fields = {"key": key} if key else {}
    try:
        participant = Participant.objects.create(
            study=study,
            session=session,
            panel_id=found.panel_id,
            wave=found.wave,
            consent=consent,
            invitation=found.invitation,
            gender=gender,
            age_band=age_band,
            **fields,
        )
    except IntegrityError:
        raise CannotJoin("You have already taken part in this part of the study.") from None
    if found.invitation is not None:
        updated = Invitation.objects.filter(pk=found.invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not updated:
            raise CannotJoin("This invitation link has been used already.")
    return participant


def participant_of(session: QuizSession) -> Participant | None:
    return Participant.objects.select_related("study").filter(session=session).first()


def done_url(participant: Participant) -> str:
    return reverse(
        "studies:done", kwargs={"slug": participant.study.slug, "token": participant.session.token}
    )


def completion_redirect(participant: Participant) -> str | None:
    """The panel's completion address with the code, for a finished participant."""
    study = participant.study
    if not study.completion_url:
        return None
    separator = "&" if "?" in study.completion_url else "?"
    return f"{study.completion_url}{separator}cc={study.completion_code}"


def result_held(participant: Participant) -> str | None:
    """Why a participant's result is not shown (the study's feedback rule), or ``None``."""
    study = participant.study
    if study.feedback == Feedback.THANKS:
        return "This study does not show results to participants."
    if study.feedback == Feedback.AFTER_CLOSE and status(study) != "closed":
        if study.closes_at:
            day = timezone.localtime(study.closes_at).strftime("%-d %B %Y")
            return f"Your result will be here once the study closes, on {day}."
        return "Your result will be here once the study closes."
    return None


def _finish_route(session: QuizSession) -> str | None:
    participant = participant_of(session)
    return done_url(participant) if participant else None


def _result_hold(session: QuizSession) -> str | None:
    participant = participant_of(session)
    return result_held(participant) if participant else None


def connect() -> None:
    """Register the quiz hooks (called once from the app config)."""
    hooks.register_finish_route(_finish_route)
    hooks.register_result_hold(_result_hold)


# --- invitations and tokens ------------------------------------------------------------------


def new_invitations(study: Study, count: int, wave: str = "", prefix: str = "") -> list[str]:
    """``count`` single-use links' secrets (shown once; only their digests are kept)."""
    secrets_: list[str] = []
    for number in range(1, count + 1):
        secret = new_secret()
        label = f"{prefix}{number}" if prefix else ""
        Invitation.objects.create(
            study=study, token_digest=digest(secret), wave=wave, label=label[:64]
        )
        secrets_.append(secret)
    return secrets_


def new_access_token(study: Study, user: Account) -> str:
    secret = new_secret()
    AccessToken.objects.create(study=study, token_digest=digest(secret), created_by=user)
    return secret


def live_token(secret: str) -> AccessToken | None:
    """The live (not revoked) token whose secret this is, with its study."""
    if not secret or len(secret) > 100:
        return None
    return (
        AccessToken.objects.select_related("study")
        .filter(token_digest=digest(secret), revoked_at__isnull=True)
        .first()
    )


def revoke_token(study: Study, pk: int) -> None:
    AccessToken.objects.filter(study=study, pk=pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def participants(study: Study) -> QuerySet[Participant]:
    return study.participants.select_related("session", "consent").order_by("joined_at", "pk")
