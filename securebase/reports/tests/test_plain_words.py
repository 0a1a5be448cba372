"""Plain words on every variant of the result: page, PDF and mail, for all four styles and
for answers near the dividing lines. Statistical words may appear only inside the "How
sure is this?" detail; sentences stay short (Flesch-Kincaid grade 8 or below)."""

import pytest

from securebase.reports.mail import report_message
from securebase.reports.models import ReportEmail
from securebase.reports.pdf import render_report_html
from securebase.reports.plain_words import statistical_terms_in
from securebase.reports.services import build_report_context
from securebase.reports.tests.factories import finished_session
from securebase.reports.tests.plain_text import (
    reading_grade,
    statistics_tags,
    visible_text,
)

pytestmark = pytest.mark.django_db

MAX_GRADE = 8.0

# Each style's corner, and two patterns whose scores sit near both dividing lines:
# "neither agree nor disagree" to everything, and answers just either side of the middle.
VARIANTS = {
    "secure": {"style": "secure"},
    "anxious": {"style": "anxious"},
    "avoidant": {"style": "avoidant"},
    "fearful-avoidant": {"style": "disorganized"},
    "all neutral, full form": {"form": "full", "keyed": {"anxiety": 3, "avoidance": 3}},
    "near both lines": {"keyed": {"anxiety": 3, "avoidance": 4}},
    "between two styles": {"form": "full", "keyed": {"anxiety": 4, "avoidance": (3, 3, 2, 4)}},
}


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def rendered(request, client):
    """(page HTML, PDF HTML, mail HTML, mail text) of one finished result."""
    session = finished_session(**VARIANTS[request.param])
    page = client.get(f"/results/{session.token}/").content.decode()
    report = build_report_context(session)
    message = report_message(
        ReportEmail.objects.create(session=session, email="reader@example.org"), b"%PDF-", report
    )
    (html_part, _mime), *_ = message.alternatives
    return {
        "page": page,
        "pdf": render_report_html(report),
        "mail (HTML)": html_part,
        "mail (text)": message.body,
    }


def test_no_statistical_words_outside_how_sure(rendered):
    for name, html in rendered.items():
        text = visible_text(html) if name != "mail (text)" else html
        assert statistical_terms_in(text) == [], name


def test_the_statistics_stay_available_behind_the_how_sure_disclosure(rendered):
    page = rendered["page"]
    if 'class="quality-notice' in page:
        # Answers that cannot be scored well get no figures at all, so no detail either.
        assert statistics_tags(page) == []
        return
    assert statistics_tags(page) == ["details"]
    detail = visible_text(page, keep_statistics=True)
    assert "How sure is this?" in detail
    # The detail is where the figures' statistical meaning is told, plain words first.
    assert statistical_terms_in(detail)
    assert detail.index("where you most likely are") < detail.index("95% region")


def the_result(html: str) -> str:
    """The result itself: the page's report article, without the site's menus and footer."""
    return html[html.index("<article") : html.index("</article>")] if "<article" in html else html


def test_sentences_are_short_and_plain(rendered):
    for name, html in rendered.items():
        text = visible_text(the_result(html)) if name != "mail (text)" else html
        assert reading_grade(text) <= MAX_GRADE, name


def test_the_word_list_catches_the_old_wording():
    old = (
        "Box: your true position lies inside it with 95% probability. Compared with adults "
        "18+ (n=34,860), data release of March 2018. In simulations from our model, the 42nd "
        "percentile."
    )
    assert statistical_terms_in(old) == [
        "probability",
        "model",
        "simulation",
        "n=",
        "data release",
        "percentile",
    ]
    assert statistical_terms_in("You worry more than 62% of people; a remodelled room.") == []


def test_reading_grade_tells_short_sentences_from_long_ones():
    plain = "You worry less than most people. You like being close. That is fine."
    dense = (
        "Considering the posterior distribution, the probability that your latent "
        "characteristics correspond to the anxious quadrant is approximately ninety-seven "
        "percent, conditional on the estimated psychometric parameters."
    )
    assert reading_grade(plain) < 4 < MAX_GRADE < reading_grade(dense)
