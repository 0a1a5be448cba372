"""A person takes the quiz in a real browser: clicking, keyboard only, reload, Back, errors.

The pages must also work without JavaScript (covered in securebase/quiz/tests); here
htmx and the quiz scripts are on, so answers are swapped in without a full page load and
each question still gets its own history entry.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, Route, expect

from conftest import assert_accessible
from securebase.quiz.models import Answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULT_URL = re.compile(r"/results/[A-Za-z0-9_-]{43}/$")
QUESTION_URL = re.compile(r"/quiz/s/[A-Za-z0-9_-]{43}/q/(\d+)/$")
BRAND = "rgb(0, 96, 111)"  # --accent, #00606f


def start(page: Page, form_label: str | None = None) -> None:
    page.goto("/quiz/")
    if form_label:
        page.get_by_label(form_label).check()
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/quiz/s/[A-Za-z0-9_-]{43}/q/1/$"))
    page.wait_for_load_state()  # the quiz scripts are bound once the page has loaded


def wait_until_idle(page: Page) -> None:
    """Wait until htmx has finished swapping and settling the new question."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def statement(page: Page) -> str:
    return page.locator("#statement").inner_text()


def _token(page: Page) -> str:
    match = re.search(r"/quiz/s/([A-Za-z0-9_-]{43})/", page.url)
    assert match, page.url
    return match.group(1)


def answers_ready(page: Page):
    """The question has been on screen for a moment: its answer buttons take a choice."""
    return page.locator('#quiz[data-answers="ready"]')


def pressed(page: Page):
    return page.locator('.answers button[aria-pressed="true"]')


def test_quick_test_by_clicking_with_reload_back_and_the_optional_step(page: Page) -> None:
    page.goto("/quiz/")
    assert_accessible(page)
    start(page)
    assert_accessible(page)
    expect(page.locator("#progress-label")).to_have_text("Question 1")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "0")
    page.evaluate("() => { window.__samePage = true; }")

    first = statement(page)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#progress-label")).to_contain_text("Question 2")
    expect(page).to_have_url(QUESTION_URL)
    assert page.url.endswith("/q/2/")
    second = statement(page)
    assert second != first
    assert page.evaluate("() => window.__samePage === true"), "the answer reloaded the page"
    expect(page.locator("#statement")).to_be_focused()

    # Closing the tab and coming back (here: a reload) continues at the same question.
    page.reload()
    expect(page.locator("#statement")).to_have_text(second)
    page.get_by_role("button", name="Strongly disagree").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 3")

    # The page's own Back link shows the previous question with the earlier answer marked.
    page.get_by_role("link", name="Back to the previous question").click()
    expect(page.locator("#statement")).to_have_text(second)
    expect(pressed(page)).to_have_count(1)
    expect(pressed(page)).to_contain_text("Strongly disagree")
    page.get_by_role("button", name="Strongly agree").click()
    expect(page.locator("#progress-label")).to_contain_text("Question 3")

    for _ in range(36):  # the adaptive test never asks more than the whole bank
        if "/about-you/" in page.url:
            break
        label = page.locator("#progress-label").inner_text()
        page.get_by_role("button", name="Neither agree nor disagree").click()
        page.wait_for_function(
            "(old) => !document.getElementById('progress-label')"
            " || document.getElementById('progress-label').textContent !== old",
            arg=label,
        )
    expect(page).to_have_url(re.compile(r"/about-you/$"))
    assert_accessible(page)
    expect(page.locator('input[type="radio"]:checked')).to_have_count(0)  # nothing preselected
    page.get_by_role("button", name="Skip and see my result").click()
    expect(page).to_have_url(RESULT_URL)
    expect(page.locator("h1")).to_have_count(1)


def test_browser_back_shows_the_previous_question_with_its_answer_marked(page: Page) -> None:
    start(page, "Full test: all 36 questions, the most precise result")
    page.get_by_role("button", name="Disagree", exact=True).click()
    expect(page).to_have_url(re.compile(r"/q/2/$"))
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page).to_have_url(re.compile(r"/q/3/$"))
    wait_until_idle(page)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/q/2/$"))
    expect(page.locator("#progress-label")).to_have_text("Question 2 of 36")
    expect(pressed(page)).to_have_count(1)
    expect(pressed(page)).to_contain_text("Agree")
    # The first Back reloads the page; a person cannot press Back again before it has
    # loaded (and htmx has attached its history handler), so neither does the test.
    page.wait_for_load_state("load")
    wait_until_idle(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    expect(pressed(page)).to_contain_text("Disagree")

    # Choosing another answer there changes it and goes on; the later answer is kept.
    page.get_by_role("button", name="Strongly agree").click()
    expect(page).to_have_url(re.compile(r"/q/2/$"))
    expect(pressed(page)).to_contain_text("Agree")
    page.get_by_role("link", name="Go to question 3, the first unanswered").click()
    expect(page.locator("#progress-label")).to_have_text("Question 3 of 36")
    expect(pressed(page)).to_have_count(0)


def test_full_test_by_keyboard_only(page: Page) -> None:
    start(page, "Full test: all 36 questions, the most precise result")
    page.evaluate("() => { window.__samePage = true; }")
    for number in range(1, 37):
        expect(page.locator("#progress-label")).to_have_text(f"Question {number} of 36")
        expect(page.locator("progress.bar")).to_have_attribute("value", str(number - 1))
        expect(answers_ready(page)).to_be_attached()  # keys, too, wait for a moment
        page.keyboard.press(str((number % 5) + 1))
        if number < 36:
            expect(page.locator("#progress-label")).to_have_text(f"Question {number + 1} of 36")
            expect(page.locator("#statement")).to_be_focused()
            wait_until_idle(page)
    expect(page).to_have_url(re.compile(r"/about-you/$"))
    page.get_by_label("Woman").check()
    page.get_by_label("25\u201334").check()
    page.get_by_role("button", name="Compare me with this group").click()
    expect(page).to_have_url(RESULT_URL)


def test_the_key_hint_shows_only_where_there_is_a_keyboard(page: Page, touch_page: Page) -> None:
    start(touch_page)
    expect(touch_page.locator("#answer-hint")).to_be_visible()
    expect(touch_page.locator("#answer-hint .key-hint")).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 800})
    start(page)
    expect(page.locator("#answer-hint .key-hint")).to_be_visible()
    expect(page.locator("#answer-hint")).to_contain_text("You can also press the keys 1 to 5.")


def test_keys_are_ignored_with_a_modifier_or_while_typing(page: Page) -> None:
    start(page, "Full test: all 36 questions, the most precise result")
    page.keyboard.press("Control+3")
    page.locator("summary", has_text="Save your place").click()
    page.locator("#resume-url").press("3")
    page.wait_for_timeout(300)
    expect(page.locator("#progress-label")).to_have_text("Question 1 of 36")


@pytest.mark.parametrize(
    ("status", "words"),
    [(403, "page had expired"), (429, "too many tries"), (500, "went wrong on our side")],
)
def test_a_refused_answer_shows_a_message_and_keeps_the_choice(
    page: Page, status: int, words: str
) -> None:
    start(page, "Full test: all 36 questions, the most precise result")

    def refuse(route: Route) -> None:
        if route.request.method == "POST":
            route.fulfill(status=status, body="refused", content_type="text/html")
        else:
            route.continue_()

    page.route(re.compile(r"/quiz/s/.*/q/\d+/$"), refuse)
    agree = page.get_by_role("button", name="Agree", exact=True)
    before = agree.bounding_box()
    agree.click()
    message = page.locator("#quiz-status")
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport()
    # The message must not push the buttons away from the finger that taps again.
    assert agree.bounding_box()["y"] == before["y"]
    expect(message).to_contain_text(words)
    expect(message).to_contain_text("Your earlier answers are kept")
    expect(pressed(page)).to_have_count(1)
    expect(pressed(page)).to_contain_text("Agree")
    expect(page.locator("#progress-label")).to_have_text("Question 1 of 36")
    assert_accessible(page)

    # Once the server answers again, the same click goes through and the message goes.
    page.unroute(re.compile(r"/quiz/s/.*/q/\d+/$"))
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#progress-label")).to_have_text("Question 2 of 36")
    expect(page.locator("#quiz-status")).to_be_hidden()


def test_a_network_error_shows_a_message(page: Page) -> None:
    start(page, "Full test: all 36 questions, the most precise result")
    page.route(
        re.compile(r"/quiz/s/.*/q/\d+/$"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_role("button", name="Disagree", exact=True).click()
    expect(page.locator("#quiz-status")).to_contain_text("could not reach securebase")
    expect(pressed(page)).to_contain_text("Disagree")


def test_start_again_needs_a_confirmation(page: Page) -> None:
    start(page, "Full test: all 36 questions, the most precise result")
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#progress-label")).to_have_text("Question 2 of 36")
    first_quiz = page.url

    page.goto("/quiz/")
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Start again").click()
    expect(page.locator("h1")).to_contain_text("Start again and delete your unfinished quiz?")
    expect(page.locator("main")).to_contain_text("1 answer")
    assert_accessible(page)
    page.get_by_role("link", name="Keep my answers and continue").click()
    expect(page.locator("#progress-label")).to_have_text("Question 2 of 36")

    page.goto("/quiz/")
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Start again").click()
    page.get_by_role("button", name="Delete them and start again").click()
    expect(page.locator("#progress-label")).to_have_text("Question 1")
    assert page.url != first_quiz
    page.goto(first_quiz)
    expect(page.locator("h1")).to_have_text("Page not found")


def test_controls_use_the_brand_colour(page: Page) -> None:
    page.goto("/quiz/")
    for selector in ('input[type="radio"]', 'input[type="checkbox"]'):
        colour = page.locator(selector).first.evaluate("e => getComputedStyle(e).accentColor")
        assert colour == BRAND, (selector, colour)
    start(page, "Full test: all 36 questions, the most precise result")
    bar = page.locator("progress.bar")
    assert bar.evaluate("e => getComputedStyle(e).accentColor") == BRAND
    # The filled part is drawn by a pseudo-element that getComputedStyle cannot read, so
    # look at the pixels: half-fill the bar and read the colour of its left quarter.
    bar.evaluate("e => { e.value = e.max / 2; }")
    image = Image.open(io.BytesIO(bar.screenshot())).convert("RGB")
    width, height = image.size
    assert image.getpixel((width // 4, height // 2)) == (0, 96, 111)


@pytest.mark.parametrize("gap_ms", [60, 300])
def test_a_double_tap_answers_only_the_question_on_screen(touch_page: Page, gap_ms: int) -> None:
    """Two quick taps on an answer: the first answers question 1, the second is ignored.

    The second tap lands where the first one did, on the next question's button that the
    person has not read yet; it must not answer that question.
    """
    page = touch_page
    start(page, "Full test: all 36 questions, the most precise result")
    agree = page.get_by_role("button", name="Agree", exact=True)
    expect(agree).to_be_enabled()  # the person has read question 1
    box = agree.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(gap_ms)
    page.touchscreen.tap(x, y)
    expect(page.locator("#progress-label")).to_contain_text("Question 2")
    page.wait_for_load_state("networkidle")  # any request the second tap sent has ended
    wait_until_idle(page)
    expect(page.locator("#progress-label")).to_contain_text("Question 2")
    answers = list(Answer.objects.filter(session__token=_token(page)).values_list("item", "value"))
    assert answers == [(1, 4)]
    # Once the question has been on screen for a moment, a tap answers it as usual.
    page.get_by_role("button", name="Disagree", exact=True).tap()
    expect(page.locator("#progress-label")).to_contain_text("Question 3")
