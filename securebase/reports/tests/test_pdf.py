"""The PDF report read back as a PDF reader opens it: pages, how full they are, what it says.

Every report is rendered for real (WeasyPrint) from a session answered through the quiz
services, and read with poppler's pdftotext.
"""

import re

import pytest
from weasyprint import HTML

from securebase.reports.pdf import render_pdf
from securebase.reports.services import ReportContext, build_report_context
from securebase.reports.tests.factories import finished_session
from securebase.reports.tests.pdf_tools import page_fill, page_texts, pdf_info, pdf_words

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
        _RENDERED[pattern, form] = report, render_pdf(session)
    return _RENDERED[pattern, form]


@pytest.mark.parametrize("form", ["full", "adaptive"])
@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_four_or_five_pages_and_none_but_the_last_under_a_third_full(pattern, form):
    fills = page_fill(rendered(pattern, form)[1])

    assert 4 <= len(fills) <= 5, fills
    assert all(fill >= 1 / 3 for fill in fills[:-1]), fills


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

    headings = [tier.heading for tier in report.claim_tiers]
    assert "Related research" in headings
    for heading in headings:
        assert heading in text
    related = next(tier for tier in report.claim_tiers if tier.related)
    for claim in related.claims:  # each related finding says how attachment was measured
        assert f"{claim.measure_phrase}." in text
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

    assert report.references
    for reference in report.references:
        assert f"({reference.year})" in text and reference.title_sentence[:40] in text
