"""Pages that belong to no single domain: home, help, privacy, health check, errors."""

from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from securebase.content.library import get_library
from securebase.content.services import style_pages
from securebase.core.sitemap import public_paths
from securebase.quiz import services as quiz


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "lengths": quiz.quiz_lengths(),
            "norms": quiz.default_norm_sample(),
            "styles": style_pages(get_library()),
        },
    )


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "core/help.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {"retention_days": settings.SECUREBASE_UNFINISHED_RETENTION_DAYS},
    )


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/about.html",
        {"lengths": quiz.quiz_lengths(), "norms": quiz.default_norm_sample()},
    )


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
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /results/",
        "Disallow: /quiz/s/",
        "Disallow: /api/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
@cache_control(max_age=3600, public=True)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    urls = "".join(
        f"<url><loc>{escape(settings.SITE_URL + path)}</loc></url>" for path in public_paths()
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )
    return HttpResponse(body, content_type="application/xml")


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
