"""The pages every visitor can reach first: readable on a phone, accessible, self-contained."""

import pytest

from conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/help/", "/privacy/", "/about/"])
def test_page_is_accessible_and_loads_nothing_from_elsewhere(page, path):
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert "not a diagnosis" in page.locator("footer").inner_text().lower()
    assert_accessible(page)


def test_csp_blocks_injected_inline_script(page):
    """The policy is really enforced by the browser, not just sent."""
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__ran === true") is False
