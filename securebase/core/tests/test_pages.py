"""The pages every visitor can reach, and the pages they see when something fails."""

import pytest
from django.test import Client

from securebase.core.tests.urls_error import FAILURE_MARKER

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/", "<h1"),
        ("/help/", "<h1"),
        ("/privacy/", "<h1"),
        ("/about/", "<h1"),
    ],
)
def test_public_page_renders_in_layout(client: Client, url: str, heading: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert heading in body
    assert "This is not a diagnosis." in body
    assert 'href="/help/"' in body


def test_help_page_names_where_to_get_help(client: Client) -> None:
    body = client.get("/help/").content.decode().lower()
    assert "emergency" in body or "crisis" in body


def test_pages_refuse_post(client: Client) -> None:
    assert client.post("/about/").status_code == 405


def test_robots_txt_keeps_private_urls_out_of_indexes(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for private in ("/results/", "/api/"):
        assert f"Disallow: {private}" in lines


def test_unknown_page_gets_friendly_404(client: Client) -> None:
    response = client.get("/no-such-page/at-all/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'href="/"' in body
    assert "Traceback" not in body
    assert "URLconf" not in body  # Django's technical 404 lists the URL patterns


def test_unknown_api_url_gets_json_404(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint-here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.urls("securebase.core.tests.urls_error")
def test_server_error_shows_friendly_page_without_details() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/fail/?name=secret-value")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, something went wrong" in body
    assert "Your answers are saved" in body
    for leak in ("Traceback", "RuntimeError", FAILURE_MARKER, "secret-value", "urls_error"):
        assert leak not in body
