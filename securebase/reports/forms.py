"""The "email me my report" form: one address and a separate, unticked newsletter box."""

from django import forms
from django.core.exceptions import ValidationError

from securebase.newsletter.addresses import PublicEmailValidator

INVALID_EMAIL = "Please enter an email address like name@example.com."


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
        """Reject anything that is not one plain address.

        CR/LF are checked explicitly (before the validator) because an address with a line
        break is how header injection starts, whatever the mail library does about it.
        """
        value: str = self.cleaned_data["email"]
        if "\r" in value or "\n" in value:
            raise ValidationError(INVALID_EMAIL, code="invalid")
        PublicEmailValidator(message=INVALID_EMAIL)(value)  # no localhost, no IP literals
        return value
