"""The content check of ``make test``: the real library, as the writer left it.

Each rule from the issue has its own test, so a failure says which rule broke and lists
exactly what to fix.
"""

import pytest

from securebase.content import validate as checks
from securebase.content.entities import STYLES
from securebase.content.library import get_library


@pytest.fixture(scope="module")
def library():
    get_library.cache_clear()
    return get_library()


def test_every_claim_cites_at_least_one_existing_reference(library) -> None:
    assert checks.check_claims_cite_references(library) == []


def test_every_reference_is_cited(library) -> None:
    assert checks.check_references_cited(library) == []


def test_all_17_references_of_the_source_are_there_with_full_citations(library) -> None:
    assert checks.check_reference_count(library) == []
    for ref in library.references.values():
        missing = [
            name
            for name in ("authors", "title", "journal", "volume", "pages")
            if not getattr(ref, name)
        ]
        assert not missing, f"reference '{ref.id}' lacks {missing}"
        assert 1900 < ref.year < 2100, ref.id


def test_every_style_has_at_least_two_claims(library) -> None:
    assert checks.check_style_claims(library) == []
    for style in STYLES:
        assert len(library.claims_for_style(style)) >= 2


def test_no_article_or_style_page_links_to_a_missing_page(library) -> None:
    assert checks.check_links(library) == []


def test_the_whole_library_is_valid(library) -> None:
    assert checks.validate(library) == []


def test_the_strength_rule_and_the_back_reference_rule_hold(library) -> None:
    assert checks.check_strength_rule(library) == []
    assert checks.check_back_references(library) == []


def test_the_corrections_of_the_evidence_review_stay_made(library) -> None:
    """Each line is one correction from docs/research/evidence-changelog.md; none may return."""
    by_ref = {
        ref: [claim for claim in library.claims if ref in claim.reference_ids]
        for ref in library.references
    }
    # Müller 2019 did not study named styles: no style tags on its claims.
    assert all(not set(STYLES) & set(c.concerns) for c in by_ref["muller2019"])
    # Krause 2016 and Strathearn 2009 are separate claims, and Krause says what failed.
    assert not any("strathearn2009" in c.reference_ids for c in by_ref["krause2016"])
    assert all("did not appear" in c.claim for c in by_ref["krause2016"])
    assert all("smiling or crying" in c.claim for c in by_ref["strathearn2009"])
    # The pregnancy finding cites its primary study; the six-month finding its subset.
    assert library.claim("early-pregnancy-oxytocin-and-bonding").reference_ids[0] == "feldman2007"
    assert "stayed together" in library.claim("new-couples-higher-oxytocin").claim
    # Fang 2014 is a clinical sample, so never "about people with your style".
    assert all(c.clinical_sample and not c.is_about_style for c in by_ref["fang2014"])
    # No study measured with an interview, a picture task or nothing is "about your style".
    assert all(c.measures_self_report for c in library.claims if c.is_about_style)


def test_the_oxytocin_articles_carry_the_measurement_and_replication_caveats(library) -> None:
    caveats = {
        "blood-and-saliva-oxytocin-measures-uncertain",
        "intranasal-trust-finding-not-replicated",
    }
    for slug in ("what-is-oxytocin", "oxytocin-and-attachment"):
        assert caveats <= {claim.id for claim in library.article(slug).claims}, slug


def test_style_headings_take_the_right_article(library) -> None:
    headings = {style: library.evidence_for(style)[0].heading for style in STYLES}
    assert headings["anxious"] == "About people with an anxious style"
    assert headings["avoidant"] == "About people with an avoidant style"
    assert headings["disorganized"] == "About people with a fearful-avoidant style"
