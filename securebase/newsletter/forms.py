"""The subscribe form: one field, our own address rules and plain-language messages."""

from __future__ import annotations

from django import forms

from securebase.newsletter.addresses import InvalidEmail, normalise_email


class SubscribeForm(forms.Form):
    # A CharField, not an EmailField: normalise_email gives clearer messages, and it
    # must see line breaks before any stripping could hide a header-injection attempt.
    email = forms.CharField(
        label="Your email address",
        max_length=320,
        strip=False,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "off"}
        ),
        error_messages={"required": "Please enter your email address."},
    )

    def clean_email(self) -> str:
        try:
            return normalise_email(self.cleaned_data["email"])
        except InvalidEmail as exc:
            raise forms.ValidationError(str(exc)) from exc
