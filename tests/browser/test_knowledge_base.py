"""The knowledge base in a real phone-sized browser: accessible, linked, filterable."""

import pytest

from conftest import assert_accessible
from securebase.content.library import get_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _article_with_claims():
    return max(get_library().articles, key=lambda article: len(article.claims))


def test_article_is_accessible_and_its_claim_link_leads_to_the_evidence(page):
    article = _article_with_claims()
    page.goto(article.url)
    assert page.locator("h1").inner_text() == article.title
    assert_accessible(page)

    claim = article.claims[0]
    page.locator(f'.claim-lines a[href="{claim.url}"]').first.click()
    page.wait_for_url(f"**/evidence/#claim-{claim.id}")
    entry = page.locator(f"#claim-{claim.id}")
    assert entry.locator("h3, h4").first.inner_text() == claim.claim
    assert entry.is_visible()
    assert page.evaluate(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top < window.innerHeight && r.bottom > 0; }",
        f"claim-{claim.id}",
    )


@pytest.mark.parametrize("style", ["anxious", "fearful-avoidant"])
def test_style_page_is_accessible(page, style):
    page.goto(f"/styles/{style}/")
    assert page.get_by_role("heading", name="Oxytocin and this style").is_visible()
    assert_accessible(page)


def test_evidence_page_is_accessible_and_filters_in_place(page):
    page.goto("/evidence/")
    assert_accessible(page)
    total = page.locator("article.claim").count()
    assert total == len(get_library().claims)

    page.locator(".filters").get_by_role("link", name="Avoidant", exact=True).click()
    page.wait_for_url("**/evidence/?concerns=avoidant")
    expected = len(get_library().claims_for_style("avoidant"))
    page.wait_for_function(
        "(n) => document.querySelectorAll('article.claim').length === n", arg=expected
    )
    current = page.locator('.filters a[aria-current="true"]')
    assert current.inner_text() == "Avoidant"
    assert_accessible(page)


def test_style_index_is_one_column_on_a_phone_and_a_map_like_the_chart_on_a_desktop(page):
    page.goto("/styles/")
    assert_accessible(page)

    def boxes():
        return {
            style: page.locator(f".style-card.{style}").bounding_box()
            for style in ("secure", "anxious", "avoidant", "disorganized")
        }

    phone = boxes()
    assert len({round(box["x"]) for box in phone.values()}) == 1
    assert phone["secure"]["y"] < phone["anxious"]["y"] < phone["avoidant"]["y"]

    page.set_viewport_size({"width": 1280, "height": 900})
    desk = boxes()
    # Anxiety up, avoidance right, as on the result chart.
    assert desk["anxious"]["y"] < desk["secure"]["y"]
    assert desk["disorganized"]["y"] < desk["avoidant"]["y"]
    assert desk["anxious"]["x"] < desk["disorganized"]["x"]
    assert desk["secure"]["x"] < desk["avoidant"]["x"]
    assert round(desk["anxious"]["x"]) == round(desk["secure"]["x"])
