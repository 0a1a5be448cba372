"""The pages every visitor can reach first: readable on a phone, accessible, self-contained."""

import re

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible
from securebase.quiz.models import QuizSession
from securebase.quiz.tests.conftest import answer_until_done

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path", ["/", "/help/", "/privacy/", "/about/", "/quiz/", "/no-such-page/"]
)
def test_page_is_accessible_and_loads_nothing_from_elsewhere(page, path):
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert "not a diagnosis" in page.locator("footer").inner_text().lower()
    assert_accessible(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_main_has_vertical_padding(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/about/")
    top, bottom = page.locator("main").evaluate(
        "e => [parseFloat(getComputedStyle(e).paddingTop),"
        " parseFloat(getComputedStyle(e).paddingBottom)]"
    )
    assert top >= 16 and bottom >= 16
    header_bottom = page.locator("header").bounding_box()
    heading = page.locator("main h1").bounding_box()
    assert heading["y"] - (header_bottom["y"] + header_bottom["height"]) >= 16


def test_main_navigation_links_the_styles_and_fits_one_line_on_a_phone(page):
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Styles")).to_have_attribute("href", "/styles/")
    tops = {round(box["y"]) for box in (a.bounding_box() for a in nav.locator("a").all())}
    assert len(tops) == 1, tops


def test_focus_ring_uses_the_brand_colour(page):
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link
    colour = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    assert colour == "rgb(0, 96, 111)"


def test_start_form_errors_look_like_errors(page):
    page.goto("/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    assert summary.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(179, 38, 30)"
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_adult")).to_be_focused()


def _started_full_quiz(page) -> str:
    page.goto("/quiz/")
    page.get_by_label("Full test: all 36 questions, the most precise result").check()
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    return QuizSession.objects.get().token


def test_a_get_on_the_quiz_post_only_address_ends_on_a_page(page):
    token = _started_full_quiz(page)
    answer_until_done(token)
    response = page.goto(f"/quiz/s/{token}/about-you/")
    assert response.status == 200 and page.locator("h1").count() == 1


@pytest.mark.parametrize("path", ["email/", "consent/"])
def test_a_get_on_each_result_post_only_address_ends_on_a_page(page, path):
    token = _started_full_quiz(page)
    answer_until_done(token)
    response = page.goto(f"/results/{token}/{path}")
    assert response.status == 200, path
    assert page.locator("h1").count() == 1


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
