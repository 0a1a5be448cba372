"""The result page in a real browser: the first screen, keep and share within two screens,
the height budget, desktop columns, accessibility, the PDF, copy and share buttons, the share
page, and the forms (with and without JavaScript)."""

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible
from securebase.reports.tests.factories import finished_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_HEIGHT = 844
SCREENS = 5
#: Save the PDF, email it, share: all three within the first two phone screens.
ACTIONS = (".report-actions a.pdf-action", ".report-actions summary.email-action", "a.share-action")
# Avoidance between the lines without "neither agree nor disagree" throughout (which the page
# would flag as mostly neutral instead of showing a style).
NEAR_BOUNDARY = {"anxiety": 4, "avoidance": (3, 3, 2, 4)}
# Between the two longest names ("Fearful-avoidant and Anxious"): the tallest headline.
LONGEST_HEADLINE = {"anxiety": 5, "avoidance": 3}


def bottom(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not visible"
    return box["y"] + box["height"]


@pytest.mark.parametrize(
    ("style", "keyed"),
    [
        ("secure", None),
        ("anxious", None),
        ("avoidant", None),
        ("disorganized", None),
        ("near-boundary", NEAR_BOUNDARY),
        ("longest-headline", LONGEST_HEADLINE),
    ],
)
def test_phone_first_screen_and_height_budget(page, style, keyed):
    session = finished_session(
        "secure" if keyed else style, form="full" if keyed else "adaptive", keyed=keyed
    )
    page.goto(f"/results/{session.token}/")

    # The first screen carries the style, its meaning, how sure, and the chart, all whole.
    first_screen = ("h1 .style-name", ".report .meaning", ".report .certainty", "svg.result-chart")
    for selector in first_screen:
        assert bottom(page, selector) <= PHONE_HEIGHT, selector
    # Keep and share are in reach: inside the first two screens, as the page loads.
    for selector in ACTIONS:
        assert bottom(page, selector) <= 2 * PHONE_HEIGHT, selector
    # With every <details> closed (as it loads), the page is at most five phone screens.
    assert page.locator("details[open]").count() == 0
    height = page.evaluate("document.body.scrollHeight")
    assert height <= SCREENS * PHONE_HEIGHT, f"{height}px is {height / PHONE_HEIGHT:.1f} screens"
    assert page.title() == "Your result · securebase"
    assert_accessible(page)


def test_desktop_uses_two_columns(page):
    session = finished_session("anxious", form="full")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/results/{session.token}/")

    hero = page.locator(".report-hero").bounding_box()
    chart = page.locator(".chart-figure").bounding_box()
    assert chart["x"] >= hero["x"] + hero["width"]  # chart beside the headline
    assert chart["y"] < hero["y"] + hero["height"]
    assert bottom(page, "svg.result-chart") <= 900
    anxiety, avoidance = page.locator(".dimension").all()
    assert anxiety.bounding_box()["y"] == avoidance.bounding_box()["y"]
    help_box, data = page.locator(".report-help").bounding_box(), page.locator(".report-data")
    assert data.bounding_box()["x"] > help_box["x"] + help_box["width"] / 2
    for selector in ACTIONS:  # on the first desktop screen, beside the chart
        assert bottom(page, selector) <= 900, selector
    assert_accessible(page)


def test_result_page_is_accessible_and_the_pdf_downloads(page):
    session = finished_session("disorganized", form="full")
    page.goto(f"/results/{session.token}/")

    heading = page.locator("h1")
    assert heading.count() == 1
    assert "Fearful-avoidant" in heading.inner_text()
    chart = page.get_by_role("img", name="Where your answers place you among the four styles")
    assert chart.is_visible()
    assert page.locator("svg.result-chart circle.you").count() == 1
    assert_accessible(page)
    # The research opens without JavaScript's help (a native <details>).
    page.get_by_text("Show the findings and sources").click()
    assert page.get_by_role("heading", name="Related research").is_visible()

    # The PDF is fetched by the page, which says so while it waits and when it is ready.
    link = page.get_by_role("link", name="Save as PDF")
    page.route(
        "**/report.pdf",
        lambda route: (
            expect(page.get_by_role("link", name="Preparing your PDF…")).to_be_visible(),
            expect(link).not_to_be_attached(),
            route.continue_(),
        ),
    )
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "securebase-report.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    expect(page.get_by_role("link", name="Save as PDF")).to_be_visible()
    expect(page.locator("#pdf-note")).to_have_text("Your PDF is ready: look in your downloads.")


def test_pdf_link_downloads_without_javascript(browser, live_server):
    session = finished_session("secure")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"/results/{session.token}/")
        expect(page.locator("#pdf-note")).to_contain_text("takes a few seconds")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Save as PDF").click()
        assert download_info.value.suggested_filename == "securebase-report.pdf"
    finally:
        context.close()


def test_copy_button_copies_the_private_link(page):
    session = finished_session("secure")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/results/{session.token}/")

    field = page.get_by_label("Your private link")
    assert field.input_value().endswith(f"/results/{session.token}/")
    page.get_by_role("button", name="Copy link").click()
    # The clipboard write is asynchronous: wait for the button to say so.
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == field.input_value()


def test_share_page_shows_only_the_style_and_is_accessible(page):
    """Without a share sheet (desktop Linux Chromium has none) sharing opens the share card."""
    session = finished_session("disorganized")
    page.goto(f"/results/{session.token}/")
    assert page.evaluate("typeof navigator.share") == "undefined"
    page.get_by_role("link", name="Share my style").click()

    assert page.url.endswith("/share/fearful-avoidant/")
    assert "Fearful-avoidant" in page.locator("h1").inner_text()
    assert session.token not in page.content()
    assert page.get_by_label("Link to this page").input_value().endswith("/share/fearful-avoidant/")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the picture").click()
    assert download_info.value.suggested_filename == "securebase-fearful-avoidant.png"
    assert_accessible(page)
    image = page.request.get("/share/fearful-avoidant.png")
    assert image.ok and image.headers["content-type"] == "image/png"


def test_share_sheet_gets_only_the_public_style_card(page):
    """Where the device has a share sheet (Web Share API), it gets the card, not the result."""
    page.add_init_script(
        "navigator.share = function (data) { window.shared = data; return Promise.resolve(); };"
    )
    session = finished_session("anxious")
    page.goto(f"/results/{session.token}/")

    page.get_by_role("link", name="Share my style").click()

    shared = page.evaluate("window.shared")
    assert shared["url"].endswith("/share/anxious/")
    assert session.token not in str(shared)
    assert "anxious" in shared["text"]
    assert page.url.endswith(f"/results/{session.token}/")  # the page stays where it was


def in_viewport(page, selector: str) -> bool:
    """Is the whole element on the screen the person is looking at?"""
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )


def test_email_sent_message_is_where_the_person_looks_on_a_phone(page, mail_via_smtp):
    session = finished_session("avoidant")
    page.goto(f"/results/{session.token}/")

    page.locator("summary.email-action").click()
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("button", name="Email me my report").click()

    message = page.get_by_role("status").filter(has_text="We are sending your report")
    expect(message).to_be_visible()
    assert in_viewport(page, "#email-status")
    expect(message).to_be_focused()
    mail_via_smtp.recorder.wait_for(1)
    assert mail_via_smtp.messages[0]["To"] == "reader@example.org"


def test_email_limit_keeps_the_person_on_their_result(page, mail_via_smtp, settings):
    settings.SECUREBASE_REPORT_EMAIL_RATE_PER_RESULT = "1/h"
    session = finished_session("secure")
    page.goto(f"/results/{session.token}/")
    for address in ("one@example.org", "two@example.org"):
        page.locator("summary.email-action").click()
        page.get_by_label("Your email address").fill(address)
        page.get_by_role("button", name="Email me my report").click()

    message = page.locator(".email-report .notice.error")
    expect(message).to_contain_text("You can try again in")
    assert in_viewport(page, ".email-report .notice.error")
    expect(message).to_be_focused()
    # Still the result, with its actions: not a dead end.
    expect(page.get_by_role("link", name="Save as PDF")).to_be_visible()
    assert "Your two scores" in page.content()
    assert_accessible(page)


def test_email_sent_message_is_on_screen_without_javascript(browser, live_server, mail_via_smtp):
    session = finished_session("secure")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"/results/{session.token}/")
        page.locator("summary.email-action").click()
        page.get_by_label("Your email address").fill("reader@example.org")
        page.get_by_role("button", name="Email me my report").click()

        assert page.url.endswith("#email-status")  # the fragment brings the message on screen
        expect(page.locator("#email-status")).to_contain_text("We are sending")
        assert in_viewport(page, "#email-status")
        expect(page.locator("#email-status")).to_be_focused()
    finally:
        context.close()


def test_email_and_delete_forms_work_in_the_browser(page):
    session = finished_session("secure")
    page.goto(f"/results/{session.token}/")

    page.locator("summary.email-action").click()
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Email me my report").click()
    # The form comes back open, with the error and the typed address.
    assert "Please enter an email address like" in page.locator(".email-report").inner_text()
    assert page.get_by_label("Your email address").input_value() == "not an address"

    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("button", name="Email me my report").click()
    assert "We are sending your report" in page.locator(".email-report").inner_text()

    page.get_by_role("link", name="Delete my answers").click()
    page.get_by_role("button", name="Yes, delete my answers").click()
    assert "have been deleted" in page.locator("h1").inner_text()
    assert_accessible(page)

    page.goto(f"/results/{session.token}/")  # the old link now says what happened
    assert "This result was deleted" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Take the quiz").click()
    assert page.url.endswith("/quiz/")
