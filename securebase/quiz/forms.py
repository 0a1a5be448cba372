"""Page forms: only parsing and wording; the rules live in services."""

from __future__ import annotations

from django import forms

from securebase.quiz.models import QuizForm


class StartForm(forms.Form):
    form = forms.ChoiceField(
        label="Which test?",
        choices=[
            (QuizForm.ADAPTIVE, "Quick test: about 12 questions that adapt to your answers"),
            (QuizForm.FULL, "Full test: all 36 questions, the most precise result"),
        ],
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


class AnswerForm(forms.Form):
    """The clicked button's value and the question it answers (hidden field)."""

    item = forms.IntegerField(min_value=1, max_value=36)
    value = forms.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={
            "required": "Please choose one of the five answers.",
            "invalid": "Please choose one of the five answers.",
            "min_value": "Please choose one of the five answers.",
            "max_value": "Please choose one of the five answers.",
        },
    )


class BackForm(forms.Form):
    item = forms.IntegerField(min_value=1, max_value=36, required=False)
