"""The technical manual page in a real browser: accessible, self-contained, figures load."""

import pytest

from conftest import assert_accessible
from securebase.method import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (services.MANUAL_DIR / "manual.md").is_file(), reason="docs/manual not built"
    ),
]


def test_method_page_is_accessible_and_its_figures_render(page):
    page.goto("/method/")
    assert page.locator("h1").count() == 1
    figures = page.locator("article.method img")
    assert figures.count() >= 7
    widths = page.evaluate(
        "() => [...document.querySelectorAll('article.method img')].map(i => i.naturalWidth)"
    )
    assert all(width > 0 for width in widths), widths
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
