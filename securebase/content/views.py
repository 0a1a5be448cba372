"""Knowledge-base pages: articles, style pages and the evidence library.

They hold no personal data and are the same for everyone, so browsers and shared
caches may keep them for a few minutes.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from securebase.content import services
from securebase.content.entities import RENAMED_STYLES, STYLE_BY_SLUG, style_slug
from securebase.content.library import get_library

PUBLIC_CACHE = cache_control(public=True, max_age=300)


@require_safe
@PUBLIC_CACHE
def article_list(request: HttpRequest) -> HttpResponse:
    library = get_library()
    return render(
        request,
        "content/article_list.html",
        {"articles": library.articles, "styles": services.style_pages(library)},
    )


@require_safe
@PUBLIC_CACHE
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = get_library().article(slug)
    except KeyError:
        raise Http404("No such article") from None
    return render(request, "content/article_detail.html", {"article": article})


@require_safe
@PUBLIC_CACHE
def style_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "content/style_list.html", {"styles": services.style_pages(get_library())}
    )


@require_safe
@PUBLIC_CACHE
def style_detail(request: HttpRequest, style: str) -> HttpResponse:
    if style in RENAMED_STYLES:
        # The page's old address, the machine value ("disorganized"): links kept from then.
        return redirect(f"/styles/{style_slug(style)}/", permanent=True)
    style = STYLE_BY_SLUG.get(style, style)
    library = get_library()
    try:
        page = library.style(style)
    except KeyError:
        raise Http404("No such style") from None
    return render(
        request,
        "content/style_detail.html",
        {
            "page": page,
            "evidence": library.evidence_for(style),
            "has_direct_evidence": services.has_direct_evidence(library, style),
            "other_styles": services.other_styles(library, style),
        },
    )


@require_safe
@PUBLIC_CACHE
def evidence(request: HttpRequest) -> HttpResponse:
    concerns = request.GET.get("concerns", "").strip()[:40]
    page = services.evidence_page(get_library(), concerns)
    return render(request, "content/evidence.html", {"page": page})
