"""The result page in a real browser: the first screen, the height budget, desktop columns,
accessibility, the copy button, the share page, and the forms."""

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible
from securebase.reports.tests.factories import finished_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_HEIGHT = 844
SCREENS = 6
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
    # With every <details> closed (as it loads), the page is at most six phone screens.
    assert page.locator("details[open]").count() == 0
    height = page.evaluate("document.body.scrollHeight")
    assert height <= SCREENS * PHONE_HEIGHT, f"{height}px is {height / PHONE_HEIGHT:.1f} screens"
    assert page.title() == "Your result · securebase"


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
    help_box, keep = page.locator(".report-help").bounding_box(), page.locator(".report-keep")
    assert keep.bounding_box()["x"] > help_box["x"] + help_box["width"] / 2
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

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF report").click()
    download = download_info.value
    assert download.suggested_filename == "securebase-report.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


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
    session = finished_session("disorganized")
    page.goto(f"/results/{session.token}/")
    page.get_by_role("link", name="Share my style").click()

    assert page.url.endswith("/share/fearful-avoidant/")
    assert "Fearful-avoidant" in page.locator("h1").inner_text()
    assert session.token not in page.content()
    assert_accessible(page)
    image = page.request.get("/share/fearful-avoidant.png")
    assert image.ok and image.headers["content-type"] == "image/png"


def test_email_and_delete_forms_work_in_the_browser(page):
    session = finished_session("secure")
    page.goto(f"/results/{session.token}/")

    page.locator("#email-report > summary").click()
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Email me my report").click()
    # The form comes back open, with the error and the typed address.
    assert "Please enter an email address like" in page.locator("#email-report").inner_text()
    assert page.get_by_label("Your email address").input_value() == "not an address"

    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("button", name="Email me my report").click()
    assert "We are sending your report" in page.locator("#keep").inner_text()

    page.get_by_role("link", name="Delete my answers").click()
    page.get_by_role("button", name="Yes, delete my answers").click()
    assert "have been deleted" in page.locator("h1").inner_text()
    assert_accessible(page)
