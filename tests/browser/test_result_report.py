"""The result page in a real browser: readable, accessible, and the PDF downloads."""

import pytest

from conftest import assert_accessible
from securebase.reports.tests.factories import finished_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_result_page_is_accessible_and_the_pdf_downloads(page):
    session = finished_session("avoidant", form="full")
    page.goto(f"/results/{session.token}/")

    heading = page.locator("h1")
    assert heading.count() == 1
    assert "Avoidant" in heading.inner_text()
    chart = page.get_by_role("img", name="Where your answers place you among the four styles")
    assert chart.is_visible()
    assert page.locator("svg.result-chart circle.you").count() == 1
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF report").click()
    download = download_info.value
    assert download.suggested_filename == "securebase-report.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_email_and_delete_forms_work_in_the_browser(page):
    session = finished_session("secure")
    page.goto(f"/results/{session.token}/")

    page.get_by_label("Email me my report").fill("not an address")
    page.get_by_role("button", name="Email me my report").click()
    assert "Please enter an email address like" in page.locator("#email-report").inner_text()
    assert page.get_by_label("Email me my report").input_value() == "not an address"

    page.get_by_label("Email me my report").fill("reader@example.org")
    page.get_by_role("button", name="Email me my report").click()
    assert "We are sending your report" in page.locator("#email-report").inner_text()

    page.get_by_role("link", name="Delete my answers").click()
    page.get_by_role("button", name="Yes, delete my answers").click()
    assert "have been deleted" in page.locator("h1").inner_text()
    assert_accessible(page)
