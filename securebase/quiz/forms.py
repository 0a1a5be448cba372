"""Page forms: only parsing and wording; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms

from securebase.psychometrics.norms import ADULT_AGE_BANDS
from securebase.quiz.models import Gender, QuizForm
from securebase.quiz.services import quiz_lengths

# "Prefer not to say" is an answer of its own (not a blank choice), so nothing is preselected
# and saying nothing is as easy as saying something.
NOT_SAYING = "not-saying"


class StartForm(forms.Form):
    form = forms.ChoiceField(
        label="Which test?",
        initial=QuizForm.ADAPTIVE,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose the quick or the full test."},
    )
    adult = forms.BooleanField(
        label="I am 18 or older",
        error_messages={
            "required": "Please confirm you are 18 or older: this quiz is written for adults."
        },
    )
    consent_research = forms.BooleanField(
        label="Allow anonymous research use of my answers (optional)",
        required=False,
        help_text=(
            "If you tick this, your answers and scores may be shared with researchers "
            "without your private link or any date finer than the month; "
            "you can withdraw this later from your result page."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The lengths come from the adaptive test's settings, never typed in here.
        lengths = quiz_lengths()
        field = self.fields["form"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                QuizForm.ADAPTIVE,
                f"Quick test: about {lengths.quick_typical} questions that adapt to your answers",
            ),
            (QuizForm.FULL, f"Full test: all {lengths.full} questions, the most precise result"),
        ]


ANSWER_REQUIRED = "Please choose one of the five answers."


class AnswerForm(forms.Form):
    """The clicked button's value and the question it answers (hidden field).

    The item travels with the answer so that the service can refuse an answer meant for
    another question than the one being asked (an old tab, a replayed request).
    """

    item = forms.IntegerField(min_value=1, max_value=36)
    value = forms.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={
            "required": ANSWER_REQUIRED,
            "invalid": ANSWER_REQUIRED,
            "min_value": ANSWER_REQUIRED,
            "max_value": ANSWER_REQUIRED,
        },
    )


def _band_label(band: str) -> str:
    return f"{band[:-1]} or older" if band.endswith("+") else band.replace("-", "\u2013")


class NormGroupForm(forms.Form):
    """The optional last step: who to compare with. Every field may stay empty."""

    gender = forms.ChoiceField(
        label="Your gender",
        choices=[*Gender.choices, (NOT_SAYING, "Prefer not to say")],
        widget=forms.RadioSelect,
        required=False,
    )
    age_band = forms.ChoiceField(
        label="Your age",
        choices=[
            *((band, _band_label(band)) for band in ADULT_AGE_BANDS),
            (NOT_SAYING, "Prefer not to say"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def choice(self) -> tuple[str | None, str | None]:
        """(gender, age band) for ``services.choose_norm_group``; ``None`` = not said."""
        gender = self.cleaned_data.get("gender") or NOT_SAYING
        band = self.cleaned_data.get("age_band") or NOT_SAYING
        return (
            None if gender == NOT_SAYING else gender,
            None if band == NOT_SAYING else band,
        )
