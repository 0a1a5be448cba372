"""The public pages, for ``/sitemap.xml``: static pages plus every article and style page.

Private addresses (``/results/``, ``/quiz/s/``, ``/api/``) are never listed; they are
capability links and robots.txt disallows them.
"""

from __future__ import annotations

from django.urls import Resolver404, resolve

from securebase.content.library import get_library

STATIC_PAGES = (
    "/",
    "/quiz/",
    "/styles/",
    "/articles/",
    "/evidence/",
    "/about/",
    "/method/",
    "/help/",
    "/privacy/",
    "/newsletter/",
)
PRIVATE_PREFIXES = ("/results/", "/quiz/s/", "/api/")


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def public_paths() -> list[str]:
    """Site-relative paths of every public page that this deployment serves."""
    library = get_library()
    paths = [path for path in STATIC_PAGES if _exists(path)]
    paths += [page.url for page in library.styles.values()]
    paths += [article.url for article in library.articles]
    return [path for path in dict.fromkeys(paths) if not path.startswith(PRIVATE_PREFIXES)]
