"""One limit on starting quizzes, shared by the page and the API.

Starting sessions is the only write that is not tied to an existing token, so it is the
one a script could use to fill the database. The key is the client IP, which
django-ratelimit hashes before it reaches the cache (it is never stored in clear).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

DEFAULT_START_RATE = "30/m"


def start_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "SECUREBASE_QUIZ_START_RATE", DEFAULT_START_RATE)


def start_is_limited(request: HttpRequest) -> bool:
    """Count this attempt to start a session; True when the client is over the limit."""
    return is_ratelimited(
        request,
        group="quiz.start",
        key="ip",
        rate=start_rate,
        method=is_ratelimited.ALL,
        increment=True,
    )
