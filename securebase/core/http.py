"""View decorators for the web's rough edges (reloads, bookmarks, the Back button).

A POST-only address ends up in the address bar whenever a form re-renders with an error
(``/results/<t>/email/#email-report`` after a mistyped address), so a reload or a
bookmark sends a GET there. Django's ``require_POST`` answers that with a bare 405; these
pages send the person back to the page the form belongs to instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from securebase.core.privacy import private_response

View = Callable[..., HttpResponse]


def post_only_or_redirect(to: Callable[..., str]) -> Callable[[View], View]:
    """Run the view for POST; redirect GET and HEAD to ``to(**url_kwargs)``; 405 otherwise.

    ``to`` receives the URL's keyword arguments (e.g. ``token``) and returns the address of
    the page that holds the form, fragment included. The redirect is marked private: it
    usually carries a capability token in ``Location``.

        @post_only_or_redirect(lambda token: f"/results/{token}/#email-report")
        def email_report(request, token): ...
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return private_response(redirect(to(**kwargs)))
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])

        return wrapper

    return decorator
