"""Taking it again in a real phone-sized browser: the quick test twice from the private link,
the timeline and its sentences, the calendar reminder, and deleting every linked result."""

from __future__ import annotations

import re

import icalendar
import pytest
from playwright.sync_api import Page, expect

from conftest import assert_accessible
from securebase.quiz.models import QuizSession
from securebase.reports import services
from securebase.reports.tests.factories import KEYED, clicked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULT_URL = re.compile(r"/results/([A-Za-z0-9_-]{43})/$")
LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


def answer_until_the_result(page: Page, style: str) -> str:
    """Answer every question as someone of ``style`` would; returns the result's token."""
    page.wait_for_load_state()
    for _ in range(37):
        if "/about-you/" in page.url:
            break
        page.wait_for_selector('#quiz[data-answers="ready"]')
        number = int(page.locator('input[name="item"]').first.input_value())
        label = page.locator("#progress-label").inner_text()
        value = clicked(number, KEYED[style])
        page.get_by_role("button", name=LABELS[value], exact=True).click()
        page.wait_for_function(
            "(old) => !document.getElementById('progress-label')"
            " || document.getElementById('progress-label').textContent !== old",
            arg=label,
        )
    page.get_by_role("button", name="Skip and see my result").click()
    expect(page).to_have_url(RESULT_URL)
    match = RESULT_URL.search(page.url)
    assert match
    return match.group(1)


def test_take_it_again_see_the_change_get_a_reminder_and_delete_everything(page: Page) -> None:
    page.goto("/quiz/")
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Start the quiz").click()
    first = answer_until_the_result(page, "secure")
    expect(page.locator("#since-title")).to_have_count(0)
    assert_accessible(page)

    # From the private link, with the quick version chosen, and very different answers.
    page.goto(f"/results/{first}/")
    page.get_by_text("Take the quiz again", exact=True).click()
    page.locator("#again").get_by_label("Quick version").check()
    page.get_by_role("button", name="Take it again").click()
    expect(page).to_have_url(re.compile(r"/quiz/s/[A-Za-z0-9_-]{43}/q/1/#main$"))
    second = answer_until_the_result(page, "disorganized")
    assert second != first

    since = page.locator("#since-last-time")
    expect(since.get_by_role("heading", name="Since last time")).to_be_visible()
    expect(since.locator("svg.timeline-chart")).to_be_visible()
    expect(since.locator("svg.timeline-chart g.sitting")).to_have_count(4)
    for dimension in ("anxiety", "avoidance"):
        expect(since).to_contain_text(services.change_sentence(dimension, "higher"))
    expect(since).to_contain_text(services.memory_note(0))
    expect(since.locator("tbody tr")).to_have_count(2)
    assert_accessible(page)
    since.locator("summary", has_text="How sure is this change?").click()
    assert_accessible(page)

    # The reminder: a calendar file that holds the private link and nothing else of ours.
    page.get_by_text("Take the quiz again", exact=True).click()
    page.get_by_label("In", exact=True).select_option("6")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the reminder").click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    (event,) = calendar.walk("VEVENT")
    assert str(event["url"]).endswith(f"/results/{second}/")
    assert f"/results/{second}/" in str(event["description"])

    # Delete all linked results: every row of both sittings goes.
    chain = list(QuizSession.objects.filter(token__in=[first, second]).values_list("pk", flat=True))
    assert len(chain) == 2
    page.get_by_role("link", name="Delete my answers").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete all 2 of my results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "All your linked results have been deleted"
    )
    assert not QuizSession.objects.filter(pk__in=chain).exists()
    assert not QuizSession.objects.filter(previous_id__in=chain).exists()
    for token in (first, second):
        assert page.goto(f"/results/{token}/").status == 410
