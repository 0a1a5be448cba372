"""Helpers for responses that carry someone's personal result."""

import re
from collections.abc import Iterable, Iterator
from functools import cache

from django.http import HttpResponse
from django.urls import URLResolver, get_resolver

_TOKEN_PARAMETER = re.compile(r"<(?:[^>:]+:)?token>")


def private_response(response: HttpResponse) -> HttpResponse:
    """Forbid caching and indexing of a response that shows a person's answers or result.

    ``no-store`` keeps the page out of shared and browser caches (a shared computer must
    not show the next person someone's result); ``X-Robots-Tag`` keeps the capability URL
    out of search engines even if it leaks.
    """
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


def _prefixes(patterns: Iterable[object], prefix: str) -> Iterator[str]:
    for entry in patterns:
        route = prefix + str(getattr(entry, "pattern", ""))
        if isinstance(entry, URLResolver):
            yield from _prefixes(entry.url_patterns, route)
        elif _TOKEN_PARAMETER.search(route):
            # Up to the first parameter of any kind: /s/<slug>/done/<token>/ makes /s/ private.
            yield "/" + route[: route.index("<")]


@cache
def token_route_prefixes() -> tuple[str, ...]:
    """The fixed start of every route with a ``<token>`` in its path (``/results/``,
    ``/newsletter/confirm/``, ...), read from the URLconf once per process, so that a
    route added later is private from its first day."""
    return tuple(sorted(set(_prefixes(get_resolver().url_patterns, ""))))
