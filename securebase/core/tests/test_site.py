"""Site-wide trust and sharing: operator identity, source link, sitemap, previews, redirects."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from securebase.content.library import get_library
from securebase.core.http import post_only_or_redirect
from securebase.quiz import services

pytestmark = pytest.mark.django_db

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_operator_and_source_come_from_the_environment(client: Client, settings: Any) -> None:
    settings.SECUREBASE_OPERATOR_NAME = "Example Care Ltd"
    settings.SECUREBASE_OPERATOR_CONTACT = "privacy@example.org"
    settings.SECUREBASE_SOURCE_URL = "https://code.example.org/securebase"
    home = client.get("/").content.decode()
    footer = home[home.index("<footer") :]
    assert "Run by Example Care Ltd" in footer
    assert 'href="mailto:privacy@example.org"' in footer
    assert 'href="https://code.example.org/securebase">Source code' in footer
    privacy = client.get("/privacy/").content.decode()
    assert re.search(r"data controller for this site is <strong>Example Care Ltd</strong>", privacy)


def test_a_development_instance_says_so(client: Client, settings: Any) -> None:
    settings.SECUREBASE_OPERATOR_NAME = ""
    settings.SECUREBASE_OPERATOR_CONTACT = ""
    settings.SECUREBASE_SOURCE_URL = ""
    home = client.get("/").content.decode()
    assert "This is a development instance" in home
    assert "Source code</a>" not in home
    assert "development instance" in client.get("/privacy/").content.decode()


def test_sitemap_lists_public_pages_and_no_private_ones(client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://securebase.example"
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    locations = [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")]
    paths = [location.removeprefix("https://securebase.example") for location in locations]
    assert all(location.startswith("https://securebase.example/") for location in locations)
    library = get_library()
    for expected in ("/", "/quiz/", "/styles/", "/articles/", "/evidence/", "/help/", "/about/"):
        assert expected in paths
    for page in [*library.styles.values(), *library.articles]:
        assert page.url in paths
    assert not [path for path in paths if path.startswith(("/results/", "/quiz/s/", "/api/"))]
    for path in paths:  # every listed page really exists (/method/ is tested by its app)
        if path == "/method/":
            continue
        assert client.get(path, follow=True).status_code == 200, path


def test_robots_txt_points_to_the_sitemap(client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://securebase.example"
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: https://securebase.example/sitemap.xml" in lines
    assert "Disallow: /quiz/s/" in lines


def test_public_pages_have_sharing_previews_private_ones_none(client: Client) -> None:
    html = client.get("/help/").content.decode()
    title = re.search(r'<meta property="og:title" content="([^"]+)">', html).group(1)
    assert title == "Where to find help"
    assert re.search(r'<meta property="og:description" content="If you are struggling', html)
    image = r'<meta property="og:image" content="http[^"]+share-default\.[0-9a-f]+\.png"'
    assert re.search(image, html)
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(r'<meta property="og:url" content="[^"]+/help/">', html)
    session = services.start_session("full", consent_research=False)
    private = client.get(f"/quiz/s/{session.token}/q/1/").content.decode()
    assert (
        "og:" not in private
        and "twitter:" not in private
        and session.token not in private.split("<body")[0]
    )


def test_the_favicon_is_linked_and_is_svg(client: Client) -> None:
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html).group(1)
    assert href.endswith(".svg")


def test_help_page_lines_are_one_tap_links(client: Client) -> None:
    html = client.get("/help/").content.decode()
    assert 'href="tel:116123"' in html and 'href="tel:988"' in html
    assert 'href="sms:' in html
    assert "domestic abuse" in html.lower()


def test_numbers_on_home_and_about_come_from_the_code(client: Client) -> None:
    lengths = services.quiz_lengths()
    norms = services.default_norm_sample()
    home = client.get("/").content.decode()
    assert f"about {lengths.quick_typical} questions" in home
    low, high = lengths.quick_usual
    assert f"between {low} and {high}, and never more than {lengths.quick_max}" in home
    assert f"all {lengths.full}" in home
    assert f"{norms.n:,} adults" in home
    about = client.get("/about/").content.decode()
    assert 'id="method"' in about and 'href="/method/"' in about
    assert norms.label in about
    assert f"{round(norms.share_women * 100)}% of them are women" in about
    assert f"{round(norms.style_shares['secure'] * 100)}% of them fall in the secure" in about
    assert "fearful-avoidant" in about and "Disorganized" not in about


def test_post_only_or_redirect_sends_gets_back_to_the_form_page() -> None:
    calls: list[str] = []

    @post_only_or_redirect(lambda token: f"/results/{token}/#email-report")
    def view(request: HttpRequest, token: str) -> HttpResponse:
        calls.append(token)
        return HttpResponse("posted")

    factory = RequestFactory()
    response = view(factory.get("/x/"), token="abc")
    assert response.status_code == 302 and response["Location"] == "/results/abc/#email-report"
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    assert view(factory.head("/x/"), token="abc").status_code == 302
    assert view(factory.put("/x/"), token="abc").status_code == 405
    assert calls == []
    assert view(factory.post("/x/"), token="abc").content == b"posted"
    assert calls == ["abc"]
