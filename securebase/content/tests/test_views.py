"""The knowledge-base pages, rendered from the real library."""

import re

import pytest
from django.test import Client
from django.utils.html import escape

from securebase.content.entities import STYLES, style_slug
from securebase.content.library import get_library
from securebase.content.validate import BACK_REFERENCE_PHRASES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def library():
    return get_library()


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Cache-Control"] == "public, max-age=300", url
    return response.content.decode()


def ids_in(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_article_list_shows_every_article_with_summary_and_reading_time(client, library):
    body = page(client, "/articles/")
    for article in library.articles:
        assert f'href="{article.url}"' in body
        assert article.title in body
        assert f"{article.reading_minutes} min read" in body


def test_every_article_page_renders(client, library):
    for article in library.articles:
        body = page(client, article.url)
        assert f"<title>{article.title} · securebase</title>" in body.replace("&#x27;", "'")
        assert f"{article.reading_minutes} min read" in body
        assert 'href="/quiz/"' in body
        assert "<script>" not in body
        for related in article.related:
            assert f'href="{related.url}"' in body


def test_article_lists_its_evidence_and_references(client, library):
    article = max(library.articles, key=lambda a: len(a.claims))
    body = page(client, article.url)
    assert "Evidence this article relies on" in body
    for claim in article.claims:
        assert f'href="/evidence/#claim-{claim.id}"' in body
        assert f'<span class="pill {claim.strength}">' in body
    for ref in article.references:
        assert f'href="/evidence/#ref-{ref.id}"' in body
        if ref.doi_url:
            assert f'href="{ref.doi_url}"' in body


@pytest.mark.parametrize("style", STYLES)
def test_style_page(client, library, style):
    style_page = library.style(style)
    body = page(client, style_page.url)
    assert "Where it may come from" in body
    assert "How it shows in adult relationships" in body
    assert "Oxytocin and this style" in body
    for strength in style_page.strengths:
        assert strength.replace("'", "&#x27;") in body
    for claim in library.claims_for_style(style):
        assert f'href="/evidence/#claim-{claim.id}"' in body
    for other in STYLES:
        if other != style:
            assert f'href="/styles/{style_slug(other)}/"' in body
    assert f'href="/evidence/?concerns={style}"' in body


def test_style_list_links_all_four_styles(client):
    body = page(client, "/styles/")
    for style in STYLES:
        assert f'href="/styles/{style_slug(style)}/"' in body


def test_evidence_page_has_an_anchor_for_every_claim_and_reference(client, library):
    body = page(client, "/evidence/")
    anchors = ids_in(body)
    assert {f"claim-{claim.id}" for claim in library.claims} <= anchors
    assert {f"ref-{ref}" for ref in library.references} <= anchors
    assert body.count('<article class="card claim"') == len(library.claims)
    assert "correlational" in body.lower()
    for strength in ("Established", "Suggestive", "Tentative"):
        assert strength in body


def test_evidence_filter_by_style_works_without_javascript(client, library):
    body = page(client, "/evidence/?concerns=anxious")
    shown = set(re.findall(r'<article class="card claim" id="claim-([^"]+)"', body))
    expected = {claim.id for claim in library.claims_for_style("anxious")}
    assert shown == expected
    assert shown != {claim.id for claim in library.claims}
    assert 'href="/evidence/?concerns=anxious#claims"' in body
    assert re.search(r'href="/evidence/\?concerns=anxious#claims"[^>]*aria-current="true"', body)
    # With HTMX the same links swap only the findings section and update the address bar.
    assert 'hx-get="/evidence/?concerns=anxious"' in body
    assert 'hx-target="#claims" hx-select="#claims"' in body
    assert 'hx-push-url="true"' in body


def test_evidence_filter_by_group(client, library):
    body = page(client, "/evidence/?concerns=fathers")
    shown = set(re.findall(r'<article class="card claim" id="claim-([^"]+)"', body))
    assert shown
    assert all({"fathers", "everyone"} & set(library.claim(c).concerns) for c in shown)
    assert "About fathers" in body


def test_unknown_filter_shows_everything_with_a_note(client, library):
    body = page(client, "/evidence/?concerns=%3Cscript%3E")
    assert "There is no group called “&lt;script&gt;”" in body
    assert body.count('<article class="card claim"') == len(library.claims)


@pytest.mark.parametrize(
    "url", ["/articles/no-such-article/", "/styles/confident/", "/styles/insecure/"]
)
def test_unknown_pages_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page." in response.content.decode()


def test_pages_refuse_post(client):
    assert client.post("/evidence/").status_code == 405


def test_pages_load_nothing_from_other_sites(client, library):
    for url in ["/articles/", library.articles[0].url, "/styles/secure/", "/evidence/"]:
        body = page(client, url)
        # Scripts, images and stylesheets from elsewhere would be requests; rel="canonical"
        # only names this page's own address.
        assert not re.search(r'<(?:script|img)[^>]+src="(?:https?:)?//', body), url
        assert not re.search(r'<link(?![^>]*rel="canonical")[^>]+href="(?:https?:)?//', body), url


def test_filtered_evidence_has_no_back_references_and_says_what_was_measured(client, library):
    body = page(client, "/evidence/?concerns=anxious")
    shown = re.findall(r'<article class="card claim" id="claim-([^"]+)"', body)
    assert shown
    text = re.sub(r"<[^>]+>", " ", body).casefold()
    for phrase in BACK_REFERENCE_PHRASES:
        assert phrase not in text, phrase
    for claim_id in shown:
        claim = library.claim(claim_id)
        article = body[body.index(f'id="claim-{claim_id}"') :].split("</article>")[0]
        assert "<dt>Attachment</dt>" in article and "<dt>Who</dt>" in article
        assert escape(claim.measure_phrase) in article, claim_id
        assert escape(claim.who_phrase) in article, claim_id
    assert "Related research on anxious attachment (other measures)" in body


def test_the_fearful_avoidant_filter_uses_the_display_name(client):
    body = page(client, "/evidence/?concerns=disorganized")
    assert "that bear on fearful-avoidant attachment" in body
    assert "<title>Evidence: Fearful-avoidant" in body


def test_the_high_high_style_is_shown_as_fearful_avoidant(client):
    body = page(client, "/styles/fearful-avoidant/")
    assert "<h1" in body and "Fearful-avoidant attachment</h1>" in body
    # "Disorganized" is explained as the infant classification it is, not offered as a name.
    assert "Also called" not in body
    assert "That is not another name for this result" in body
    assert "Strange Situation" in body and "Adult Attachment Interview" in body
    assert "Disorganized attachment</h1>" not in body
    listing = page(client, "/styles/")
    assert "Fearful-avoidant attachment" in listing
    evidence = page(client, "/evidence/")
    assert 'id="filter-disorganized"' in evidence
    assert re.search(r'id="filter-disorganized"[^>]*>Fearful-avoidant</a>', evidence)


def test_the_old_disorganized_address_redirects_to_the_fearful_avoidant_page(client):
    response = client.get("/styles/disorganized/")
    assert response.status_code == 301
    assert response["Location"] == "/styles/fearful-avoidant/"
    assert client.get("/styles/fearful-avoidant/").status_code == 200


@pytest.mark.parametrize("style", STYLES)
def test_style_pages_show_their_illustration_and_file_related_research(client, style):
    body = page(client, f"/styles/{style_slug(style)}/")
    assert re.search(
        rf'<img class="style-illustration" src="[^"]*illustrations/{style}[^"]*\.svg" alt=""', body
    )
    # A style page says plainly when no study measured attachment as the quiz does, and
    # otherwise files its self-report findings first, under their own heading.
    library = get_library()
    direct = [c for c in library.claims if c.is_about_style and style in c.concerns]
    assert ("They are related research" in body) == (not direct)
    if direct:
        assert body.index("About people with a") < body.index("Related research on")


def test_style_index_is_a_map_with_one_card_per_style_in_the_quiz_order(client):
    body = page(client, "/styles/")
    cards = re.findall(r'<li class="card style-card (\w+)">', body)
    assert cards == list(STYLES)
    for style in STYLES:
        assert re.search(rf'src="[^"]*illustrations/{style}[^"]*\.svg" alt=""', body)
    assert "Higher anxiety, higher avoidance" in body
