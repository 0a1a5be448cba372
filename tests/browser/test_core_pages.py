"""The pages every visitor can reach first: readable on a phone, accessible, self-contained."""

import re

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible
from securebase.quiz.models import QuizSession
from securebase.quiz.tests.conftest import answer_until_done
from securebase.reports.tests.factories import KEYED, clicked

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


# -- one grid, the start, the error pattern -------------------------------------------------

EDGES = """() => {
  const inner = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return [r.left + parseFloat(s.paddingLeft), r.right - parseFloat(s.paddingRight)];
  };
  const main = document.querySelector("main");
  const blocks = [...main.querySelectorAll(":scope > *, :scope > * > *")]
    .filter((e) => e.getClientRects().length && getComputedStyle(e).position !== "absolute")
    .map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.right]; });
  return {
    header: inner(document.querySelector(".site-header .wrap")),
    main: inner(main),
    footer: inner(document.querySelector(".site-footer .wrap")),
    left: Math.min(...blocks.map((b) => b[0])),
    right: Math.max(...blocks.map((b) => b[1])),
    scroll: document.documentElement.scrollWidth,
  };
}"""


def _finished_quiz() -> str:
    from securebase.quiz import services

    session = services.start_session("full", consent_research=False)
    # Answers a person could give (all-neutral ones get the "cannot be scored" notice).
    answer_until_done(session.token, lambda item: clicked(item, KEYED["anxious"]))
    return session.token


def _has_manual() -> bool:
    from securebase.method import services as method

    return (method.MANUAL_DIR / "manual.md").is_file()


def _grid_pages() -> list[str]:
    from securebase.quiz import services

    quiz = services.start_session("adaptive", consent_research=False)
    pages = [
        "/",
        "/quiz/",
        f"/quiz/s/{quiz.token}/",
        f"/results/{_finished_quiz()}/",
        "/styles/fearful-avoidant/",
        "/newsletter/",
        "/no-such-page/",
    ]
    if _has_manual():
        pages.append("/method/")
    return pages


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_header_content_and_footer_share_one_grid(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    for path in _grid_pages():
        page.goto(path)
        edges = page.evaluate(EDGES)
        for part in ("main", "footer"):
            assert edges[part] == pytest.approx(edges["header"], abs=1), (path, part, edges)
        # The content stays inside the grid: nothing wider than the header above it.
        assert edges["left"] >= edges["header"][0] - 1, (path, edges)
        assert edges["right"] <= edges["header"][1] + 1, (path, edges)
        assert edges["scroll"] <= width, (path, edges)


def test_the_home_page_starts_the_quiz_in_two_taps_from_the_first_screen(touch_page):
    page = touch_page
    page.goto("/")
    adult = page.locator(".home-start").get_by_label("I am 18 or older")
    start = page.locator(".home-start").get_by_role("button", name="Start the quiz")
    for control in (adult, start):
        box = control.bounding_box()
        assert box["y"] + box["height"] <= 844, "below the first phone screen"
    adult.tap()
    start.tap()
    expect(page).to_have_url(re.compile(r"/quiz/s/[\w-]{43}/q/1/$"))
    expect(page.locator("#progress-label")).to_have_text("Question 1")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_404_buttons_do_not_touch(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/no-such-page/")
    first, second = (b.bounding_box() for b in page.locator("main a.button").all())
    apart_x = second["x"] - (first["x"] + first["width"])
    apart_y = second["y"] - (first["y"] + first["height"])
    assert max(apart_x, apart_y) >= 8, (first, second)


def test_an_error_summary_takes_focus_and_leads_to_its_field(page):
    page.goto("/newsletter/")
    page.fill("#id_email", "name@example")
    page.get_by_role("button", name="Subscribe").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    message = page.locator("#id_email-error")
    expect(message).to_be_visible()
    field, note = page.locator("#id_email").bounding_box(), message.bounding_box()
    assert 0 <= field["y"] - (note["y"] + note["height"]) <= 16, "the message sits by its field"
    summary.get_by_role("link").click()
    expect(page.locator("#id_email")).to_be_focused()


def _error_pages(page) -> list[tuple[str, object]]:
    """(name, how to reach it) for every page type this round changed, errors shown."""
    token = _finished_quiz()
    quiz = _finished_quiz()

    def post_start():
        page.goto("/quiz/")
        page.get_by_role("button", name="Start the quiz").click()
        expect(page.locator(".error-summary")).to_be_visible()

    def post_newsletter():
        page.goto("/newsletter/")
        page.fill("#id_email", "name@example")
        page.get_by_role("button", name="Subscribe").click()
        expect(page.locator(".error-summary")).to_be_visible()

    def post_email():
        page.goto(f"/results/{token}/")
        page.locator("#email-report summary").click()
        page.fill("#id_email", "not an address")
        page.get_by_role("button", name="Email me my report").click()
        expect(page.locator(".error-summary")).to_be_visible()

    def about_you():
        page.goto(f"/quiz/s/{quiz}/about-you/")

    def question():
        from securebase.quiz import services

        session = services.start_session("adaptive", consent_research=False)
        page.goto(f"/quiz/s/{session.token}/")
        expect(page.locator('#quiz[data-answers="ready"]')).to_be_attached()

    return [
        ("home", lambda: page.goto("/")),
        ("quiz start with errors", post_start),
        ("question", question),
        ("about you", about_you),
        ("newsletter with errors", post_newsletter),
        ("result with an email error", post_email),
        ("style", lambda: page.goto("/styles/fearful-avoidant/")),
        ("styles", lambda: page.goto("/styles/")),
        ("404", lambda: page.goto("/no-such-page/")),
        *([("method", lambda: page.goto("/method/"))] if _has_manual() else []),
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_changed_pages_are_accessible_at_both_sizes(page, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    for name, reach in _error_pages(page):
        reach()
        try:
            assert_accessible(page)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None
