"""A researcher and a panel participant in a real browser, from sign-in to the SPSS file."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from conftest import assert_accessible
from securebase.reports.tests.factories import KEYED, clicked
from securebase.studies.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


def answer_quiz(page: Page, style: str) -> None:
    """Answer each question as someone of ``style`` would, until the quiz page is left."""
    for _ in range(40):
        if "/quiz/s/" not in page.url:
            return
        item = int(page.locator('form input[name="item"]').first.get_attribute("value") or 0)
        before = page.url
        page.get_by_role("button", name=LABELS[clicked(item, KEYED[style])], exact=True).click()
        page.wait_for_url(lambda url, before=before: url != before)
    raise AssertionError("the quiz did not end")


def test_a_study_from_sign_in_to_the_spss_file(
    page: Page, browser: Any, live_server: Any, tmp_path: Path
) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    frictionless = pytest.importorskip("frictionless")
    get_user_model().objects.create_user("ada", password="a-long-pass-phrase")

    page.goto("/studies/")
    expect(page).to_have_url(re.compile(r"/studies/login/"))
    assert_accessible(page)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Create a study").click()
    page.get_by_label("Title").fill("Closeness and couples")
    page.get_by_label("Public address").fill("closeness")
    page.get_by_label("Questionnaire").select_option("adaptive")
    page.get_by_label("Panel id parameter (optional)").fill("PROLIFIC_PID")
    page.get_by_label("Completion address (optional)").fill(f"{live_server.url}/about/")
    page.get_by_label("Consent text").fill("We study closeness. Your answers stay anonymous.")
    assert_accessible(page)
    page.get_by_role("button", name="Create the study").click()
    expect(page.locator("h1")).to_have_text("Closeness and couples")
    code = Study.objects.get(slug="closeness").completion_code

    participant = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True
    ).new_page()
    participant.goto("/s/closeness/?PROLIFIC_PID=abc")
    expect(participant.get_by_text("We study closeness.")).to_be_visible()
    assert_accessible(participant)
    participant.get_by_label("I have read the information above").check()
    participant.get_by_role("button", name="Start").click()
    answer_quiz(participant, "anxious")
    expect(participant.locator("h1")).to_have_text("Thank you for taking part")
    assert_accessible(participant)
    participant.get_by_role("link", name="Finish and go back to the study site").click()
    expect(participant).to_have_url(re.compile(rf"/about/\?cc={code}$"))
    participant.context.close()

    page.reload()
    expect(page.get_by_text("1 of 1 who started have finished")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV only").click()
    text = Path(csv_download.value.path()).read_text()
    assert "abc" in text.splitlines()[1]

    with page.expect_download() as sav_download:
        page.get_by_role("link", name="SPSS (.sav)").click()
    frame, meta = pyreadstat.read_sav(sav_download.value.path())
    assert list(frame["panel_id"]) == ["abc"]
    assert frame["style"][0] == "anxious"
    assert meta.variable_value_labels["Q1"][3] == "Neither agree nor disagree"
    assert meta.column_names_to_labels["p_secure"].startswith("Chance the true position")

    with page.expect_download() as zip_download:
        page.get_by_role("link", name=re.compile("CSV with its codebook")).click()
    with zipfile.ZipFile(io.BytesIO(Path(zip_download.value.path()).read_bytes())) as archive:
        archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
