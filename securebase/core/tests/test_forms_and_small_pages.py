"""One error pattern on every form, a two-tap start from home, the favicon, the 404 page.

Every form answers a mistake the same way (GOV.UK): an error summary at the top whose links
point at the fields, and the same message next to the field, which points back at it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from securebase.quiz.models import QuizSession
from securebase.reports.tests.factories import finished_session

pytestmark = pytest.mark.django_db


def finished_token() -> str:
    """A finished full form with answers that can be scored (all-neutral ones are flagged and
    get no email form)."""
    return finished_session("anxious", form="full").token


def assert_one_error_pattern(html: str) -> list[str]:
    """The summary links each message to a field that shows the same message beside it."""
    assert html.count('class="error-summary"') == 1, "one summary"
    assert "<title>Error: " in html
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links, summary
    for field_id, message in links:
        assert re.search(rf'id="{re.escape(field_id)}"', html), f"no field {field_id}"
        name = field_id.removesuffix("_0")
        beside = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', html, re.S)
        assert beside and message in beside.group(1), (field_id, message)
        described = re.search(rf'aria-describedby="[^"]*\b{name}-error\b', html)
        assert described, f"nothing points at {name}-error"
    return [message for _, message in links]


def test_quiz_start_errors(client: Client) -> None:
    response = client.post("/quiz/", {})
    assert response.status_code == 422
    messages = assert_one_error_pattern(response.content.decode())
    assert any("18 or older" in message for message in messages)


def test_newsletter_errors(client: Client) -> None:
    response = client.post("/newsletter/", {"email": "name@example"})
    assert_one_error_pattern(response.content.decode())


def test_about_you_errors(client: Client) -> None:
    token = finished_token()
    response = client.post(f"/quiz/s/{token}/about-you/", {"gender": "dragon", "save": "1"})
    assert response.status_code == 422
    assert_one_error_pattern(response.content.decode())


def test_email_me_errors(client: Client) -> None:
    token = finished_token()
    response = client.post(f"/results/{token}/email/", {"email": "not an address"})
    assert_one_error_pattern(response.content.decode())


def test_forms_without_errors_show_no_error_parts(client: Client) -> None:
    for path in ("/", "/quiz/", "/newsletter/"):
        html = client.get(path).content.decode()
        assert "error-summary" not in html and "field-error" not in html
        assert "<title>Error: " not in html


def test_the_home_page_starts_the_quick_test_in_two_taps(client: Client) -> None:
    """Tick "I am 18 or older", press "Start the quiz": the first question."""
    html = client.get("/").content.decode()
    form = html.split('class="home-start"')[1].split("</form>")[0]
    assert 'name="form" value="adaptive"' in form
    assert 'type="checkbox" name="adult"' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token
    response = client.post("/quiz/", {"form": "adaptive", "adult": "on"})
    assert response.status_code == 302
    assert re.search(r"/quiz/s/[\w-]{43}/q/1/$", response["Location"])
    assert QuizSession.objects.get().form == "adaptive"


def test_the_home_page_start_without_the_tick_explains_on_the_quiz_page(client: Client) -> None:
    response = client.post("/quiz/", {"form": "adaptive"})
    assert response.status_code == 422
    assert "Please confirm you are 18 or older" in response.content.decode()
    assert not QuizSession.objects.exists()


def test_favicon_ico_is_an_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    assert "max-age" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200


def test_the_404_page_buttons_sit_in_a_spaced_row(client: Client) -> None:
    html = client.get("/no-such-page/").content.decode()
    row = re.search(r'<div class="button-row">(.*?)</div>', html, re.S)
    assert row and row.group(1).count('class="button') == 2
