"""The validator finds every kind of broken content (on the fixture library)."""

from pathlib import Path

import pytest

from securebase.content.library import ContentError, load_library
from securebase.content.tests.conftest import (
    FIXTURE_LIBRARY,
    FIXTURE_REFERENCES,
    claim_by_id,
    edit_evidence,
    write_article,
)
from securebase.content.validate import BACK_REFERENCE_PHRASES, validate


def problems_in(root: Path) -> list[str]:
    return validate(load_library(root), expected_references=FIXTURE_REFERENCES)


def test_fixture_library_is_valid() -> None:
    assert problems_in(FIXTURE_LIBRARY) == []


def test_the_real_reference_count_is_17_by_default() -> None:
    assert validate(load_library(FIXTURE_LIBRARY)) == [
        "expected the source's 17 references, found 3"
    ]


def test_missing_reference_is_detected(library_dir: Path) -> None:
    edit_evidence(
        library_dir,
        lambda data: claim_by_id(data, "about-couples")["references"].append("nobody2020"),
    )
    assert problems_in(library_dir) == [
        "claim 'about-couples' cites missing reference 'nobody2020'"
    ]


def test_claim_without_reference_is_detected(library_dir: Path) -> None:
    def change(data):
        claim_by_id(data, "insecure-general")["references"] = []
        # birch2002 is still cited by secure-avoidant-disorganized.

    edit_evidence(library_dir, change)
    assert problems_in(library_dir) == ["claim 'insecure-general' cites no reference"]


def test_uncited_reference_is_detected(library_dir: Path) -> None:
    def change(data):
        data["references"].append(
            {
                "id": "lonely2010",
                "authors": "Lonely, L.",
                "year": 2010,
                "title": "Nobody cites me",
                "journal": "J",
                "volume": "1",
                "pages": "1",
            }
        )

    edit_evidence(library_dir, change)
    problems = validate(load_library(library_dir), expected_references=FIXTURE_REFERENCES + 1)
    assert problems == ["reference 'lonely2010' is not cited by any claim"]


def test_style_with_fewer_than_two_claims_is_detected(library_dir: Path) -> None:
    def change(data):
        claim_by_id(data, "secure-and-anxious")["concerns"] = ["anxious"]

    edit_evidence(library_dir, change)
    assert problems_in(library_dir) == [
        "style 'secure' has 1 claim(s) about it; at least 2 are needed"
    ]


def test_invalid_enumeration_values_are_detected(library_dir: Path) -> None:
    def change(data):
        claim = claim_by_id(data, "about-couples")
        claim.update(concerns=["couples", "pets"], direction="up", evidence_kind="poll")
        claim.update(attachment_measure="horoscope", strength="proven")

    edit_evidence(library_dir, change)
    problems = problems_in(library_dir)
    assert len(problems) == 5
    assert problems[0].startswith("claim 'about-couples': concerns 'pets' is not one of secure,")
    assert "direction 'up'" in problems[1]
    assert "evidence_kind 'poll' is not one of review, meta-analysis," in problems[2]
    assert "attachment_measure 'horoscope' is not one of self-report-romantic," in problems[3]
    assert "strength 'proven' is not one of established, suggestive, tentative" in problems[4]


def test_duplicate_claim_id_is_detected(library_dir: Path) -> None:
    edit_evidence(library_dir, lambda data: data["claims"].append(dict(data["claims"][0])))
    assert problems_in(library_dir) == ["duplicate claim id 'secure-and-anxious'"]


def test_article_front_matter_must_point_at_existing_things(library_dir: Path) -> None:
    write_article(
        library_dir,
        "gamma",
        "Links to [a claim](/evidence/#claim-about-couples).",
        related=["alpha", "omega"],
        claims=["about-couples", "no-such-claim"],
    )
    assert problems_in(library_dir) == [
        "article 'gamma' lists missing claim 'no-such-claim'",
        "article 'gamma' is related to missing article 'omega'",
    ]


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("/articles/omega/", "there is no such article"),
        ("/articles/alpha/#no-such-heading", "that article has no heading with this anchor"),
        ("/styles/confident/", "there is no such style"),
        ("/styles/disorganized/", "the page's address is /styles/fearful-avoidant/"),
        ("/evidence/#claim-no-such-claim", "no such claim"),
        ("/evidence/#ref-nobody2020", "no such reference"),
        ("/evidence/?concerns=pets", "the evidence library has no such filter"),
        ("/evidence/#somewhere", "the evidence page has no such anchor"),
        ("/nowhere/", "no page of the site answers at this address"),
        ("articles/alpha/", "internal links must start with '/'"),
        ("#missing-heading", "no heading on this page has that anchor"),
    ],
)
def test_broken_internal_link_is_detected(library_dir: Path, href: str, reason: str) -> None:
    write_article(
        library_dir,
        "gamma",
        f"A [claim](/evidence/#claim-about-couples) and a [broken link]({href}).",
        claims=["about-couples"],
    )
    assert problems_in(library_dir) == [f"article 'gamma' links to {href!r}: {reason}"]


def test_working_links_of_every_kind_pass(library_dir: Path) -> None:
    write_article(
        library_dir,
        "gamma",
        "## Here\n\n[c](/evidence/#claim-about-couples) [r](/evidence/#ref-alder2001) "
        "[e](/evidence/) [f](/evidence/?concerns=anxious#claims) [a](/articles/beta/#second-part) "
        "[s](/styles/fearful-avoidant/) [h](/help/) [in-page](#here) [out](https://example.org/) "
        "[mail](mailto:someone@example.org)",
        claims=["about-couples"],
    )
    assert problems_in(library_dir) == []


def test_article_without_evidence_claims_is_detected(library_dir: Path) -> None:
    write_article(library_dir, "gamma", "Theory only, no [evidence](/evidence/).", claims=[])
    assert problems_in(library_dir) == ["article 'gamma' links no evidence claims"]


def test_broken_link_in_a_style_page_is_detected(library_dir: Path) -> None:
    path = library_dir / "styles" / "secure.md"
    path.write_text(path.read_text().replace("/articles/alpha/", "/articles/omega/"))
    assert problems_in(library_dir) == [
        "style page 'secure' links to '/articles/omega/': there is no such article"
    ]


def test_missing_style_page_and_missing_section_are_detected(library_dir: Path) -> None:
    (library_dir / "styles" / "secure.md").unlink()
    path = library_dir / "styles" / "anxious.md"
    path.write_text(path.read_text().replace("## Growth edges", "## Room to grow"))
    assert problems_in(library_dir) == [
        "style page 'styles/secure.md' is missing",
        "style page 'anxious' lacks the section '## Growth edges'",
    ]


def test_image_from_another_site_is_detected(library_dir: Path) -> None:
    write_article(
        library_dir,
        "gamma",
        "[c](/evidence/#claim-about-couples) ![pixel](https://tracker.example/p.gif)",
    )
    assert problems_in(library_dir) == [
        "article 'gamma' shows an image from another site: 'https://tracker.example/p.gif'"
    ]


@pytest.mark.parametrize(
    "field", ["population", "n", "studies", "evidence_kind", "attachment_measure"]
)
def test_a_claim_without_a_structured_field_is_refused(library_dir: Path, field: str) -> None:
    edit_evidence(library_dir, lambda data: claim_by_id(data, "about-couples").pop(field))
    with pytest.raises(ContentError) as error:
        load_library(library_dir)
    assert error.value.problems == [f"evidence.yaml claim 'about-couples': missing field '{field}'"]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        # One small study may not be called suggestive ...
        (
            {"strength": "suggestive", "studies": 1, "n": 99},
            "claim 'about-couples' is labelled suggestive, but its evidence "
            "(1 study, animal, n = 99) allows at most tentative",
        ),
        # ... nor may one study whose size is not given ...
        (
            {"strength": "suggestive", "studies": 1, "n": None},
            "claim 'about-couples' is labelled suggestive, but its evidence "
            "(1 study, animal, size not given) allows at most tentative",
        ),
        # ... and two studies are not enough for established.
        (
            {"strength": "established", "studies": 2, "evidence_kind": "review"},
            "claim 'about-couples' is labelled established, but its evidence "
            "(2 studies, review, size not given) allows at most suggestive",
        ),
    ],
)
def test_a_strength_label_stronger_than_the_evidence_is_detected(
    library_dir: Path, changes: dict, problem: str
) -> None:
    edit_evidence(library_dir, lambda data: claim_by_id(data, "about-couples").update(changes))
    assert problems_in(library_dir) == [problem]


@pytest.mark.parametrize(
    "changes",
    [
        {"strength": "suggestive", "studies": 1, "n": 100},  # one large study
        {"strength": "suggestive", "studies": 2, "n": None},  # two small studies
        {"strength": "established", "studies": 3, "n": None},  # several studies
        {"strength": "established", "studies": 1, "evidence_kind": "meta-analysis"},
        {"strength": "tentative", "studies": 9, "n": 5000},  # weaker than allowed is fine
    ],
)
def test_strength_labels_the_evidence_supports_pass(library_dir: Path, changes: dict) -> None:
    edit_evidence(library_dir, lambda data: claim_by_id(data, "about-couples").update(changes))
    assert problems_in(library_dir) == []


@pytest.mark.parametrize("phrase", BACK_REFERENCE_PHRASES)
@pytest.mark.parametrize("field", ["claim", "detail"])
def test_a_back_reference_is_detected(library_dir: Path, field: str, phrase: str) -> None:
    text = f"{phrase.upper()} found something else."
    edit_evidence(
        library_dir, lambda data: claim_by_id(data, "about-couples").update({field: text})
    )
    assert problems_in(library_dir) == [
        f"claim 'about-couples': {field} leans on another claim ({phrase!r}); "
        "every claim must stand alone"
    ]


def test_sources_added_after_the_article_do_not_count_as_its_references(library_dir: Path) -> None:
    def change(data):
        data["references"][0]["in_source"] = False

    edit_evidence(library_dir, change)
    assert problems_in(library_dir) == [
        f"expected the source's {FIXTURE_REFERENCES} references, found {FIXTURE_REFERENCES - 1}"
    ]


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        (
            "strengths",
            '"Many say they have one strength."',
            '"You are calm, capable and self-reliant in a crisis."',
        ),
        (
            "growth_edges",
            '"People often describe one growth edge."',
            '"You can be a steady, practical source of help."',
        ),
        (
            "daily_life",
            "Many say more.",
            "You are very attuned to other people's feelings.",
        ),
    ],
)
def test_an_interpretive_sentence_without_a_basis_is_detected(
    library_dir: Path, field: str, old: str, new: str
) -> None:
    path = library_dir / "styles" / "avoidant.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    bare = new.strip('"')
    assert problems_in(library_dir) == [
        f"style page 'avoidant': {field} sentence {bare!r} is neither cited (a link to an "
        "evidence claim) nor worded as what people often describe or say"
    ]


@pytest.mark.parametrize(
    ("section", "old", "new"),
    [
        (
            "Strengths",
            "People often say this about a strength.",
            "People with this pattern are often perceptive and empathic.",
        ),
        (
            "Growth edges",
            "A [cited growth edge](/evidence/#claim-about-couples).",
            "A growth edge [explained elsewhere](/articles/alpha/).",
        ),
    ],
)
def test_a_body_sentence_without_a_basis_is_detected(
    library_dir: Path, section: str, old: str, new: str
) -> None:
    path = library_dir / "styles" / "secure.md"
    path.write_text(path.read_text().replace(old, new))
    problems = problems_in(library_dir)
    assert len(problems) == 1
    assert problems[0].startswith(f"style page 'secure': section '## {section}' sentence ")
    assert "is neither cited" in problems[0]


@pytest.mark.parametrize(
    "sentence",
    [
        "Many people with this pattern say they value their independence.",
        "People often describe putting their whole heart into the people they love.",
        "Some report feeling crowded.",
        "Studies found [less support](/evidence/#claim-about-couples) under stress.",
    ],
)
def test_described_or_cited_sentences_pass(library_dir: Path, sentence: str) -> None:
    path = library_dir / "styles" / "secure.md"
    text = path.read_text().replace("People often say this about a strength.", sentence)
    path.write_text(text)
    assert problems_in(library_dir) == []


def test_one_large_blood_study_stays_tentative(library_dir: Path) -> None:
    changes = {
        "strength": "suggestive",
        "studies": 1,
        "n": 163,
        "evidence_kind": "correlational-blood-or-saliva",
    }
    edit_evidence(library_dir, lambda data: claim_by_id(data, "about-couples").update(changes))
    assert problems_in(library_dir) == [
        "claim 'about-couples' is labelled suggestive, but its evidence (1 study, "
        "correlational-blood-or-saliva, n = 163) allows at most tentative"
    ]
