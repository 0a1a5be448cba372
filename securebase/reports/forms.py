"""The "email me my report" form: one address and a separate, unticked newsletter box."""

from django import forms
from django.core.exceptions import ValidationError

from securebase.newsletter.addresses import InvalidEmail, normalise_email

INVALID_EMAIL = "Please enter an email address like name@example.com."
GENERIC = {"empty", "header", "space", "long", "invalid"}


class ReportEmailForm(forms.Form):
    email = forms.CharField(
        max_length=254,
        error_messages={
            "required": "Please enter the email address to send your report to.",
            "max_length": "That address is too long. Please check it.",
            "null_characters_not_allowed": INVALID_EMAIL,
        },
    )
    subscribe = forms.BooleanField(required=False)

    def clean_email(self) -> str:
        """The address in its canonical form (the one the limits and the mail use).

        A mistyped address gets this form's own short message; a hidden character or a
        reserved domain gets the specific reason, as nobody could guess it otherwise.
        """
        value: str = self.cleaned_data["email"]
        try:
            return normalise_email(value)
        except InvalidEmail as exc:
            message = INVALID_EMAIL if exc.code in GENERIC else str(exc)
            raise ValidationError(message, code="invalid") from exc


class AgainForm(forms.Form):
    """Take the quiz again from a private result: which form."""

    form = forms.ChoiceField(
        choices=[("adaptive", "Quick version"), ("full", "All questions")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose the quick version or all questions.",
            "invalid_choice": "Please choose the quick version or all questions.",
        },
    )


class ReminderForm(forms.Form):
    """How many months from now the calendar reminder is for."""

    months = forms.TypedChoiceField(
        choices=[(1, "1 month"), (3, "3 months"), (6, "6 months")],
        coerce=int,
        error_messages={
            "required": "Please choose 1, 3 or 6 months.",
            "invalid_choice": "Please choose 1, 3 or 6 months.",
        },
    )
