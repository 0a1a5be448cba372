"""The site's own pages: home, about, help, privacy, robots.txt and the sitemap.

They show what the domain apps offer (the quiz's lengths, the norm group, the style pages), so
they live above those apps; ``core`` stays below every app.
"""

from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from securebase.content.library import get_library
from securebase.content.services import style_pages
from securebase.pages.sitemap import public_paths
from securebase.quiz import services as quiz


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/home.html",
        {
            "lengths": quiz.quiz_lengths(),
            "norms": quiz.default_norm_sample(),
            "styles": style_pages(get_library()),
        },
    )


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/help.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/privacy.html",
        {"retention_days": settings.SECUREBASE_UNFINISHED_RETENTION_DAYS},
    )


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/about.html",
        {"lengths": quiz.quiz_lengths(), "norms": quiz.default_norm_sample()},
    )


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
