"""Helpers for responses that carry someone's personal result."""

from django.http import HttpResponse


def private_response(response: HttpResponse) -> HttpResponse:
    """Forbid caching and indexing of a response that shows a person's answers or result.

    ``no-store`` keeps the page out of shared and browser caches (a shared computer must
    not show the next person someone's result); ``X-Robots-Tag`` keeps the capability URL
    out of search engines even if it leaks.
    """
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response
