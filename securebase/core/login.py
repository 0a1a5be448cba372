"""Login forms whose user name length is enforced, not only stated (admin and researchers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator


class EnforcedUsernameLength(forms.Form):
    """Mixin for Django's login forms: a user name over the model's limit is refused.

    Django gives the user name its model's length limit for the HTML attribute only; a longer
    name went on to the authentication backends, and django-axes' record of the failed try (a
    255-character column) then failed on PostgreSQL with a server error. No account has such a
    name, so refusing it changes no one's login.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        assert isinstance(username, forms.CharField)  # Django's UsernameField
        username.validators.append(MaxLengthValidator(username.max_length))
