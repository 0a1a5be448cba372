"""The operators' login form, checked on the server as well as in the browser."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm

from securebase.core.login import EnforcedUsernameLength


class OperatorLoginForm(EnforcedUsernameLength, AdminAuthenticationForm):
    """Django's admin login with the user name's length enforced (core.login)."""


admin.site.login_form = OperatorLoginForm
