"""The subscribe page in a real phone-sized browser: accessible, with and without errors."""

import pytest

from conftest import assert_accessible
from securebase.newsletter.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_page_is_accessible_and_keeps_what_was_typed(page) -> None:
    page.goto("/newsletter/")
    assert_accessible(page)

    page.fill("#id_email", "name@example")
    page.click("button[type=submit]")
    assert page.locator("#id_email-error").is_visible()
    assert page.input_value("#id_email") == "name@example"
    assert_accessible(page)

    page.fill("#id_email", "name@example.org")
    page.click("button[type=submit]")
    page.wait_for_url("**/newsletter/check-your-inbox/")
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert Subscriber.objects.filter(email="name@example.org").exists()
