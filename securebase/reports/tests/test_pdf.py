"""The PDF report read back as a PDF reader opens it: pages, how full they are, what it says.

Every report is rendered for real (WeasyPrint) from a session answered through the quiz
services, and read with poppler's pdftotext.
"""

import itertools
import re

import pytest
from weasyprint import HTML

from securebase.reports.pdf import pdf_for
from securebase.reports.services import ReportContext, build_report_context
from securebase.reports.tests.factories import finished_session
from securebase.reports.tests.pdf_tools import (
    lines_of,
    page_fill,
    page_texts,
    page_words,
    pdf_info,
    pdf_words,
)

pytestmark = pytest.mark.django_db

# Keyed answer patterns: one clear case per style, and one that sits near a boundary.
PATTERNS = {
    "secure": {"anxiety": 1, "avoidance": 1},
    "anxious": {"anxiety": 5, "avoidance": 1},
    "avoidant": {"anxiety": 1, "avoidance": 5},
    "fearful-avoidant": {"anxiety": 5, "avoidance": 5},
    "near-boundary": {"anxiety": 4, "avoidance": (3, 3, 2, 4)},
}
# One number from each group of help lines, as printed (paper cannot follow a tel: link).
HELP_NUMBERS = ("112", "988", "116 123", "13 11 14", "741741", "1-800-799-7233", "0808 2000 247")


_RENDERED: dict[tuple[str, str], tuple[ReportContext, bytes]] = {}


def rendered(pattern: str, form: str = "full") -> tuple[ReportContext, bytes]:
    """(context, PDF) of one answer pattern, rendered once per test run.

    The result depends only on the answers, so later tests reuse the first rendering
    (WeasyPrint takes about a second per report, much more on a busy machine).
    """
    if (pattern, form) not in _RENDERED:
        session = finished_session(form=form, keyed=PATTERNS[pattern])
        report = build_report_context(session)
        _RENDERED[pattern, form] = report, pdf_for(session)
    return _RENDERED[pattern, form]


RESEARCH_STARTS = ("What research says", "References")
NUMBER = re.compile(r"^\d+\.$")
INITIAL = re.compile(r"^[A-Z]\.(-[A-Z]\.)?,?$")


def research_start(pdf: bytes) -> int:
    """The 1-based page where the research part begins (every page before it is about you)."""
    pages = page_texts(pdf)
    return next(
        number
        for number, page in enumerate(pages, 1)
        if any(line.strip() in RESEARCH_STARTS for line in page.splitlines())
    )


@pytest.mark.parametrize("form", ["full", "adaptive"])
@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_four_or_five_pages_three_about_you_and_none_but_the_last_under_half_full(pattern, form):
    pdf = rendered(pattern, form)[1]
    fills = page_fill(pdf)
    start = research_start(pdf)

    assert 4 <= len(fills) <= 5, fills
    assert all(fill >= 1 / 2 for fill in fills[:-1]), fills
    assert start - 1 >= 3, f"only {start - 1} pages before the research"
    # The research part begins at the top of its page, so its pages' fills add up to how
    # much paper it takes.
    assert sum(fills[start - 1 :]) <= 1.5, fills


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_references_are_typeset_with_hanging_numbers_and_whole_entries(pattern):
    report, pdf = rendered(pattern)
    pages = page_words(pdf)
    heading = next(
        (n, line)
        for n, words in enumerate(pages)
        for line in lines_of(words)
        if [w["text"] for w in line] == ["References"]
    )
    page_index, heading_line = heading
    entries: list[list[list[dict]]] = []
    for n in range(page_index, len(pages)):
        lines = [line for line in lines_of(pages[n]) if line[0]["text"] != "securebase"]  # footer
        if n == page_index:
            below = [line for line in lines if line[0]["top"] > heading_line[0]["top"]]
            first = next((i for i, line in enumerate(below) if NUMBER.match(line[0]["text"])), None)
            assert first is not None, "the References heading is alone at the bottom of its page"
            lines = below[first:]
        numbered = [i for i, line in enumerate(lines) if NUMBER.match(line[0]["text"])]
        # An entry is never split: each page's list starts with the start of an entry.
        assert numbered and numbered[0] == 0, [w["text"] for w in lines[0]]
        for start, end in itertools.pairwise([*numbered, len(lines)]):
            entries.append(lines[start:end])

    printed = report.printed_sources.references
    assert len(entries) == len(printed)
    number_right = {round(entry[0][0]["x1"], 1) for entry in entries}
    text_left = min(entry[0][1]["x0"] for entry in entries)
    # Hanging numbers: one right-aligned column, clear of the text column beside it.
    assert max(number_right) - min(number_right) < 0.5, number_right
    assert max(number_right) < text_left - 2, (number_right, text_left)
    for number, entry in enumerate(entries, 1):
        assert entry[0][0]["text"] == f"{number}."
        for line in entry[1:]:  # later lines start at the text column, never under the number
            assert abs(line[0]["x0"] - text_left) < 1, [w["text"] for w in line]
        for line, following in itertools.pairwise(entry):  # initials stay together
            assert not (INITIAL.match(line[-1]["text"]) and INITIAL.match(following[0]["text"]))
    doi_words = {w["text"].rstrip(".") for entry in entries for line in entry for w in line}
    for reference in printed:  # each address whole, on one line
        if reference.doi_url:
            assert reference.doi_url in doi_words, reference.doi_url


def test_fill_measure_sees_a_nearly_empty_page():
    """The measure itself can fail: one short line on a page reads as nearly empty."""
    page_box = "<style>@page { size: A4; margin: 15mm 16mm 18mm }</style>"
    pdf = HTML(
        string=f'{page_box}<p>One line.</p><p style="break-before: page">'
        + "Many words. " * 900
        + '</p><p style="break-before: page">Last.</p>'
    ).write_pdf()

    fills = page_fill(pdf)

    assert fills[0] < 0.05
    assert fills[1] > 0.9
    assert fills[-1] < 0.05


def test_fearful_avoidant_report_says_what_the_page_says():
    report, pdf = rendered("fearful-avoidant")
    text = pdf_words(pdf)

    assert report.style == "disorganized"
    assert f"{report.headline_eyebrow} Fearful-avoidant" in text
    assert "Disorganized" not in text
    for sentence in (report.meaning, report.certainty, report.measure_line, *report.how_sure):
        assert sentence in text
    for dimension in report.dimensions:
        assert dimension.sentence in text
        assert dimension.range_sentence in text
    assert report.norm.label in text
    for tier in report.claim_tiers:
        assert tier.heading in text
    assert report.token not in text  # the file may be shared; the private link is not in it
    assert pdf_info(pdf)[0] == len(page_fill(pdf))


def test_near_boundary_headline_names_two_styles():
    report, pdf = rendered("near-boundary")
    text = pdf_words(pdf)

    assert report.top.probability < 0.6
    first, second = report.headline_names
    assert f"{report.headline_eyebrow} {first.name} and {second.name}" in text
    assert "near a boundary" in text


def test_evidence_is_filed_under_your_style_or_related_research():
    report, pdf = rendered("anxious")
    text = pdf_words(pdf)

    printed = report.printed_sources
    headings = [tier.heading for tier in printed.tiers]
    assert "Related research" in headings
    for heading in headings:
        assert heading in text
    about = [tier for tier in report.claim_tiers if not tier.related]
    printed_about = [tier for tier in printed.tiers if not tier.related]
    # Every finding about the reader's style is printed; related research only above
    # "tentative", with a pointer to the rest.
    assert [t.claims for t in about] == [[c.claim for c in t.claims] for t in printed_about]
    related = next(tier for tier in printed.tiers if tier.related)
    assert related.claims
    for cited in related.claims:  # each related finding says how attachment was measured
        assert cited.claim.strength != "tentative"
        assert f"{cited.claim.measure_phrase}." in text
        assert f"[{', '.join(map(str, cited.numbers))}]" in text
    left_out = sum(len(t.claims) for t in report.claim_tiers) - sum(
        len(t.claims) for t in printed.tiers
    )
    assert printed.left_out == left_out > 0
    assert f"{left_out} more related findings" in text
    assert "we have not checked" not in text
    for banned in ("anxious about closeness", "less uncomfortable", "Findings about the"):
        assert banned not in text
    # The strength labels are explained in the content app's own words (the rule it enforces).
    for strength, words in report.strength_words:
        assert f"{strength.capitalize()}: {words}" in text
    assert re.search(
        r"None of it is a reason to seek or to avoid treatment; if you are "
        r"struggling, see page \d+\.",
        text,
    )


def test_help_lines_are_printed_with_their_numbers_where_the_cover_says():
    pdf = rendered("secure")[1]
    pages = page_texts(pdf)
    text = pdf_words(pdf)

    for number in HELP_NUMBERS:
        assert re.search(rf"(?<![\d-]){re.escape(number)}(?![\d-])", text), number
    promised = re.search(r"help lines are printed on\s+page (\d+)", pages[0])
    assert promised, pages[0]
    help_page = next(n for n, page in enumerate(pages, 1) if "Where to find help" in page)
    assert int(promised.group(1)) == help_page


def test_every_cited_finding_has_its_reference():
    report, pdf = rendered("avoidant")
    text = pdf_words(pdf)

    references = report.printed_sources.references
    assert references
    cited = {n for tier in report.printed_sources.tiers for c in tier.claims for n in c.numbers}
    assert cited == set(range(1, len(references) + 1))  # every entry cited, every number listed
    for reference in references:
        assert f"({reference.year})" in text and reference.title_sentence[:40] in text
