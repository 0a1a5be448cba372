"""Loading the library files into objects (on the fixture library, not the real content)."""

from pathlib import Path

import pytest

from securebase.content import library as library_module
from securebase.content.library import ContentError, get_library, load_library
from securebase.content.tests.conftest import (
    FIXTURE_LIBRARY,
    claim_by_id,
    edit_evidence,
    write_article,
)


@pytest.fixture(scope="module")
def fixture_library():
    return load_library(FIXTURE_LIBRARY)


def test_articles_are_ordered_and_related_to_each_other(fixture_library) -> None:
    alpha, beta = fixture_library.articles
    assert [alpha.slug, beta.slug] == ["alpha", "beta"]
    assert alpha.related == [beta]
    assert beta.related == [alpha]
    assert alpha.url == "/articles/alpha/"
    assert fixture_library.article("beta") is beta
    with pytest.raises(KeyError):
        fixture_library.article("gamma")


def test_article_claims_include_front_matter_then_body_links(fixture_library) -> None:
    alpha = fixture_library.article("alpha")
    assert [claim.id for claim in alpha.claims] == ["secure-and-anxious", "insecure-styles"]
    # References of its claims and those linked in the text, in APA (author) order.
    assert [ref.id for ref in alpha.references] == ["alder2001", "cedar2003"]
    assert alpha.reading_minutes == 1
    assert 'href="/evidence/#claim-insecure-styles"' in alpha.html


def test_claims_resolve_their_references(fixture_library) -> None:
    claim = fixture_library.claim("insecure-styles")
    assert [ref.id for ref in claim.references] == ["cedar2003", "alder2001"]
    assert claim.url == "/evidence/#claim-insecure-styles"
    assert claim.concerns == ["anxious", "avoidant", "disorganized"]
    assert claim.detail == ""


def test_style_pages(fixture_library) -> None:
    page = fixture_library.style("avoidant")
    assert page.title == "Avoidant attachment"
    assert page.url == "/styles/avoidant/"
    assert page.strengths == ["Many say they have one strength.", "Some describe another strength."]
    assert [h.text for h in page.body.headings][:2] == [
        "Where it may come from",
        "How it shows in adult relationships",
    ]
    with pytest.raises(KeyError):
        fixture_library.style("confident")


def test_claims_for_style_most_relevant_then_strongest_first(fixture_library) -> None:
    ids = [claim.id for claim in fixture_library.claims_for_style("avoidant")]
    assert ids == [
        "secure-avoidant-disorganized",  # about the style, established
        "insecure-styles",  # about the style, tentative
        "insecure-general",  # about insecure attachment in general
        "about-everyone",  # about everyone
    ]


def test_secure_style_does_not_get_insecure_findings(fixture_library) -> None:
    ids = [claim.id for claim in fixture_library.claims_for_style("secure")]
    # secure-and-anxious measured attachment as the quiz does, so it comes first even
    # though secure-avoidant-disorganized is better supported.
    assert ids == ["secure-and-anxious", "secure-avoidant-disorganized", "about-everyone"]


def test_evidence_for_a_group_of_people(fixture_library) -> None:
    groups = fixture_library.evidence_for("couples")
    assert [(g.heading, [c.id for c in g.claims]) for g in groups] == [
        ("About couples", ["about-couples"]),
        ("About everyone", ["about-everyone"]),
    ]


def test_reference_citation_in_apa_style(fixture_library) -> None:
    refs = fixture_library.references
    assert refs["alder2001"].citation == (
        "Alder, A. B. (2001). A single-author paper. Journal of Fixtures, 1(2), 3\u20134. "
        "https://doi.org/10.1000/fixture.1"
    )
    # No issue, no DOI, and a title that already ends with punctuation.
    assert refs["birch2002"].citation == (
        "Birch, C., & Cedar, D. E. (2002). Two authors ask a question? Fixture Letters, 5, e12."
    )
    assert refs["alder2001"].doi == "10.1000/fixture.1"
    assert refs["birch2002"].doi_url is None
    assert refs["cedar2003"].url == "/evidence/#ref-cedar2003"


def test_short_citations(fixture_library) -> None:
    refs = fixture_library.references
    assert refs["alder2001"].short_citation == "Alder, 2001"
    assert refs["birch2002"].short_citation == "Birch & Cedar, 2002"
    assert refs["cedar2003"].short_citation == "Cedar et al., 2003"


def test_invalid_yaml_names_the_file(library_dir: Path) -> None:
    (library_dir / "evidence.yaml").write_text("references: [\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_library(library_dir)
    assert "evidence.yaml: invalid YAML" in str(error.value)


def test_invalid_front_matter_names_the_file(library_dir: Path) -> None:
    (library_dir / "articles" / "alpha.md").write_text("---\ntitle: [\n---\nBody\n")
    with pytest.raises(ContentError) as error:
        load_library(library_dir)
    assert "articles/alpha.md: invalid front matter" in str(error.value)


def test_yaml_is_parsed_safely(library_dir: Path) -> None:
    write_article(library_dir, "gamma", "Body")
    path = library_dir / "articles" / "gamma.md"
    path.write_text(
        path.read_text().replace("title: Gamma", "title: !!python/object/apply:os.system ['true']")
    )
    with pytest.raises(ContentError, match="invalid front matter"):
        load_library(library_dir)


def test_every_missing_or_mistyped_field_is_listed(library_dir: Path) -> None:
    def change(data):
        del claim_by_id(data, "about-everyone")["claim"]
        claim_by_id(data, "about-couples")["concerns"] = "couples"
        data["references"][0]["year"] = "two thousand"
        data["references"][1]["colour"] = "blue"

    edit_evidence(library_dir, change)
    with pytest.raises(ContentError) as error:
        load_library(library_dir)
    assert error.value.problems == [
        "evidence.yaml reference 'alder2001': field 'year' must be a whole number",
        "evidence.yaml reference #2: unknown field(s) colour",
        "evidence.yaml claim 'about-everyone': missing field 'claim'",
        "evidence.yaml claim 'about-couples': field 'concerns' must be a list of text",
    ]


def test_duplicate_reference_id_is_refused(library_dir: Path) -> None:
    edit_evidence(library_dir, lambda data: data["references"].append(data["references"][0]))
    with pytest.raises(ContentError, match="duplicate reference id 'alder2001'"):
        load_library(library_dir)


def test_slug_must_match_file_name(library_dir: Path) -> None:
    write_article(library_dir, "gamma", "Body", slug="delta")
    with pytest.raises(ContentError, match="slug 'delta' must match the file name"):
        load_library(library_dir)


def test_get_library_is_cached_and_can_be_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_module, "LIBRARY_DIR", FIXTURE_LIBRARY)
    get_library.cache_clear()
    try:
        first = get_library()
        assert get_library() is first
        assert [article.slug for article in first.articles] == ["alpha", "beta"]
        get_library.cache_clear()
        assert get_library() is not first
    finally:
        get_library.cache_clear()


def test_claims_say_who_was_studied_and_how_attachment_was_measured(fixture_library) -> None:
    questionnaire = fixture_library.claim("secure-and-anxious")
    assert questionnaire.who_phrase == "Adults in couples (40 people)"
    assert questionnaire.measures_self_report and questionnaire.is_about_style
    assert questionnaire.measure_phrase.startswith("Measured with a questionnaire about close")

    interview = fixture_library.claim("secure-avoidant-disorganized")
    assert interview.who_phrase == "Parents in many studies"  # n: null, no number shown
    assert not interview.measures_self_report and not interview.is_about_style
    assert interview.measure_phrase.startswith("Measured with an attachment interview")
    assert fixture_library.claim("insecure-styles").who_phrase == "Healthy men (26 people)"
    assert fixture_library.claim("about-couples").measure_phrase == "No attachment measure"
    assert fixture_library.claim("about-couples").kind_words == "Animal research"
    assert fixture_library.claim("about-couples").studies_phrase == "one study"
    assert interview.studies_phrase == "at least 12 studies"


def test_a_study_of_unchecked_size_says_so(library_dir) -> None:
    edit_evidence(library_dir, lambda data: claim_by_id(data, "insecure-styles").update(n=None))
    claim = load_library(library_dir).claim("insecure-styles")
    assert claim.who_phrase == "Healthy men (we have not checked how many took part)"


def test_a_clinical_sample_is_related_research_even_with_the_quiz_s_measure(library_dir) -> None:
    edit_evidence(
        library_dir,
        lambda data: claim_by_id(data, "secure-and-anxious").update(clinical_sample=True),
    )
    claim = load_library(library_dir).claim("secure-and-anxious")
    assert claim.measures_self_report and claim.clinical_sample
    assert not claim.is_about_style


def test_style_evidence_separates_findings_about_the_style_from_related_research(
    fixture_library,
) -> None:
    groups = fixture_library.evidence_for("secure")
    assert [(g.heading, [c.id for c in g.claims]) for g in groups] == [
        ("About people with a secure style", ["secure-and-anxious"]),
        (
            "Related research on secure attachment (other measures)",
            ["secure-avoidant-disorganized"],
        ),
        ("About everyone", ["about-everyone"]),
    ]
    headings = [g.heading for g in fixture_library.evidence_for("disorganized")]
    assert headings[0] == "Related research on fearful-avoidant attachment (other measures)"
