"""What every page relies on and no domain owns: the health check, the icon, error pages."""

from pathlib import Path

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = Path(__file__).resolve().parent / "static" / "securebase" / "favicon.ico"


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: browsers and crawlers ask for it whatever a page declares.

    The pages point at the SVG icon; this is the same picture as a small ICO (16, 32 and
    48 pixels), so that the request that comes anyway finds it instead of a 404 page.
    """
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")


@require_safe
@cache_control(no_store=True)
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its database, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Shown by django-ratelimit when a form is used too often (HTTP 429)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "rate_limited", "detail": "Too many requests."}, status=429)
    return render(request, "core/rate_limited.html", status=429)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 400, "That request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 403, "This page is not available.")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404, "We could not find that page.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Something went wrong on our side. Your answers are saved.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        "This form had expired. Please go back, reload the page and try again; "
        "your earlier answers are kept.",
    )


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": str(status), "detail": message}, status=status)
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)
