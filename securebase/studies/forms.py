"""Forms of the studies app: a study's settings, joining it, members, invitations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm

from securebase.core.login import EnforcedUsernameLength
from securebase.psychometrics import ADULT_AGE_BANDS
from securebase.quiz.models import Gender, QuizForm
from securebase.quiz.services import quiz_lengths
from securebase.studies.models import SAFE_ID, Role, Study, StudyForm

MAX_INVITATIONS = 500
#: Addresses under /studies/ that are pages, not studies.
RESERVED_SLUGS = frozenset({"new", "login", "logout"})


class StudySettingsForm(forms.ModelForm):
    completion_url = forms.URLField(
        label="Completion address (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Where participants are sent at the end; the completion code is added as ?cc=.",
    )
    consent_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=(
            "What participants agree to. Changing it makes a new version; each participant's "
            "answers keep the version they agreed to."
        ),
    )

    class Meta:
        model = Study
        fields = [
            "title",
            "slug",
            "form",
            "feedback",
            "ask_demographics",
            "opens_at",
            "closes_at",
            "target",
            "waves",
            "panel_parameter",
            "completion_url",
            "invitation_only",
        ]
        labels = {
            "slug": "Public address",
            "form": "Questionnaire",
            "feedback": "What participants see at the end",
            "ask_demographics": "Ask gender and age band",
            "opens_at": "Opens (UTC, optional)",
            "closes_at": "Closes (UTC, optional)",
            "target": "Target number of participants",
            "waves": "Waves (optional)",
            "panel_parameter": "Panel id parameter (optional)",
            "invitation_only": "Only people with an invitation link can take part",
        }
        help_texts = {
            "slug": "The study's address will be /s/<this>/. Letters, digits and dashes.",
            "waves": 'Comma-separated, for example "before, after". Waves join up by panel id '
            "or invitation label.",
            "panel_parameter": "The name your panel puts the participant id under, for example "
            "PROLIFIC_PID.",
        }
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("That address is taken by the site. Choose another.")
        return slug

    def clean_waves(self) -> str:
        waves = [key.strip() for key in self.cleaned_data["waves"].split(",") if key.strip()]
        for key in waves:
            SAFE_ID(key)
        if len(set(waves)) != len(waves):
            raise forms.ValidationError("Each wave needs its own name.")
        return ", ".join(waves)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The study must close after it opens.")
        return data


class JoinForm(forms.Form):
    """What a participant answers before the quiz: consent, and the optional extras."""

    consent = forms.BooleanField(
        label="I have read the information above and agree to take part.",
        error_messages={"required": "Tick the box to agree before you start."},
    )
    form = forms.ChoiceField(
        label="Which questionnaire?",
        choices=[],
        widget=forms.RadioSelect,
        required=False,
    )
    gender = forms.ChoiceField(
        label="Gender (optional)",
        choices=[("", "Prefer not to say"), *Gender.choices],
        required=False,
    )
    age_band = forms.ChoiceField(
        label="Age (optional)",
        choices=[("", "Prefer not to say"), *((band, band) for band in ADULT_AGE_BANDS)],
        required=False,
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.study = study
        lengths = quiz_lengths()
        field = self.fields["form"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (QuizForm.ADAPTIVE, f"The quick test (about {lengths.quick_typical} statements)"),
            (QuizForm.FULL, f"All {lengths.full} statements"),
        ]
        if study.form != StudyForm.CHOICE:
            del self.fields["form"]
        else:
            self.fields["form"].required = True
            self.fields["form"].error_messages["required"] = "Choose one of the two."
        if not study.ask_demographics:
            del self.fields["gender"]
            del self.fields["age_band"]

    def chosen_form(self) -> str:
        return self.cleaned_data.get("form") or self.study.form


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, label="Their username on this site")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def clean_username(self) -> Any:
        user = get_user_model().objects.filter(username=self.cleaned_data["username"]).first()
        if user is None:
            raise forms.ValidationError("No researcher has that username here.")
        return user


class InvitationForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=MAX_INVITATIONS, initial=10)
    wave = forms.CharField(max_length=64, required=False)
    label_prefix = forms.CharField(
        max_length=40,
        required=False,
        validators=[SAFE_ID],
        help_text="Optional: labels the links (prefix1, prefix2, ...) so that waves join up.",
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.study = study

    def clean_wave(self) -> str:
        wave: str = self.cleaned_data["wave"].strip()
        if wave and wave not in self.study.wave_keys:
            raise forms.ValidationError("That is not one of this study's waves.")
        return wave


class ResearcherLoginForm(EnforcedUsernameLength, AuthenticationForm):
    """Researchers' sign-in, with the user name's length enforced as for the admin."""
