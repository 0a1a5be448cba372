"""A person takes the quiz in a real browser: clicking, keyboard only, reload, back, PDF.

The pages must also work without JavaScript (covered in securebase/quiz/tests); here
htmx and keys.js are on, so answers are swapped in without a full page load.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULT_URL = re.compile(r"/results/[A-Za-z0-9_-]{43}/$")


def start(page: Page, form_label: str | None = None) -> None:
    page.goto("/quiz/")
    if form_label:
        page.get_by_label(form_label).check()
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/quiz/s/[A-Za-z0-9_-]{43}/$"))
    page.wait_for_load_state()  # keys.js is bound once the page has loaded


def wait_until_idle(page: Page) -> None:
    """Wait until htmx has finished swapping and settling the new question."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def statement(page: Page) -> str:
    return page.locator("#statement").inner_text()


def test_quick_test_by_clicking_with_reload_back_and_the_pdf(page: Page) -> None:
    page.goto("/quiz/")
    assert_accessible(page)
    start(page)
    assert_accessible(page)
    expect(page.locator("#progress-label")).to_have_text("Question 1 of about 12")
    page.evaluate("() => { window.__samePage = true; }")

    first = statement(page)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#progress-label")).to_contain_text("Question 2 of about")
    second = statement(page)
    assert second != first
    assert page.evaluate("() => window.__samePage === true"), "the answer reloaded the page"
    expect(page.locator("#statement")).to_be_focused()

    # Closing the tab and coming back (here: a reload) continues at the same question.
    page.reload()
    expect(page.locator("#statement")).to_have_text(second)
    page.get_by_role("button", name="Strongly disagree").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 3 of about")

    # Back shows the previous question with the earlier answer marked; change it.
    page.get_by_role("button", name="Back to the previous question").click()
    expect(page.locator("#statement")).to_have_text(second)
    pressed = page.locator('.answers button[aria-pressed="true"]')
    expect(pressed).to_have_count(1)
    expect(pressed).to_contain_text("Strongly disagree")
    page.get_by_role("button", name="Strongly agree").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 3 of about")

    for _ in range(36):  # the adaptive test never asks more than the whole bank
        if RESULT_URL.search(page.url):
            break
        label = page.locator("#progress-label").inner_text()
        page.get_by_role("button", name="Neither agree nor disagree").click()
        page.wait_for_function(
            "(old) => !document.getElementById('progress-label')"
            " || document.getElementById('progress-label').textContent !== old",
            arg=label,
        )
    expect(page).to_have_url(RESULT_URL)
    expect(page.locator("h1")).to_contain_text("Your attachment style is most likely")

    with page.expect_download() as download_info:
        page.locator('a[href$="report.pdf"]').first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_full_test_by_keyboard_only(page: Page) -> None:
    start(page, "Full test: all 36 questions, the most precise result")
    page.evaluate("() => { window.__samePage = true; }")
    for number in range(1, 37):
        expect(page.locator("#progress-label")).to_have_text(f"Question {number} of 36")
        expect(page.locator("progress.bar")).to_have_attribute("value", str(number - 1))
        page.keyboard.press(str((number % 5) + 1))
        if number < 36:
            expect(page.locator("#progress-label")).to_have_text(f"Question {number + 1} of 36")
            expect(page.locator("#statement")).to_be_focused()
            wait_until_idle(page)
    expect(page).to_have_url(RESULT_URL)
    expect(page.locator("h1")).to_contain_text("Your attachment style is most likely")


def test_keys_are_ignored_with_a_modifier_or_while_typing(page: Page) -> None:
    start(page, "Full test: all 36 questions, the most precise result")
    page.keyboard.press("Control+3")
    page.locator("summary", has_text="Save your place").click()
    page.locator("#resume-url").press("3")
    page.wait_for_timeout(300)
    expect(page.locator("#progress-label")).to_have_text("Question 1 of 36")
