"""Everything the result page, the PDF and the report mail show, built in one place.

The page and the PDF render the same template from the same :class:`ReportContext`, so
they cannot drift apart. Wording that interprets a number (percentiles, "near a boundary")
lives here rather than in templates so it is tested and says exactly one thing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django_q.tasks import async_task

from securebase.content.library import Claim, Reference, StylePage, get_library
from securebase.psychometrics import STYLES, Result, item_bank
from securebase.quiz.services import get_result
from securebase.reports.chart import Chart, build_chart
from securebase.reports.models import ReportEmail

if TYPE_CHECKING:
    from securebase.quiz.models import QuizSession

STYLE_NAMES = {
    "secure": "Secure",
    "anxious": "Anxious",
    "avoidant": "Avoidant",
    "disorganized": "Disorganized (fearful-avoidant)",
}

# Below this probability for the most likely style we say plainly that the result sits
# near a boundary and name the runner-up: 0.6 means the quiz is far from sure.
BOUNDARY_PROBABILITY = 0.6

# How each dimension is said in plain words, for "more/less ... than N% of people".
DIMENSION_WORDS = {
    "anxiety": {
        "name": "Anxiety",
        "about": "worry about rejection and about being left",
        "more": "more anxious about closeness",
        "less": "less anxious about closeness",
        "same": "about as anxious about closeness as",
    },
    "avoidance": {
        "name": "Avoidance",
        "about": "discomfort with closeness and with depending on others",
        "more": "more uncomfortable with closeness and depending on others",
        "less": "less uncomfortable with closeness and depending on others",
        "same": "about as uncomfortable with closeness and depending on others as",
    },
}

REPORT_TASK = "securebase.reports.tasks.send_report_email"


def percentile_sentence(dimension: str, percentile: float) -> str:
    """Say where someone stands among other people without a statistics lesson.

    Above the middle we say "more ... than N%", below it "less ... than N%" (with N the
    share above them), because "more anxious than 8% of people" reads as a high score
    to most readers. Percentiles are kept within 1..99: nobody is beyond everyone.
    """
    words = DIMENSION_WORDS[dimension]
    pct = min(99, max(1, round(percentile)))
    if pct > 50:
        return f"You are {words['more']} than {pct}% of people."
    if pct < 50:
        return f"You are {words['less']} than {100 - pct}% of people."
    return f"You are {words['same']} the average person: right in the middle."


def percent_label(probability: float) -> str:
    """A probability as people read it: whole percent, and "under 1%" rather than "0%"."""
    if probability < 0.005:
        return "under 1%"
    if probability > 0.995:
        return "over 99%"
    return f"{round(probability * 100)}%"


@dataclass(frozen=True)
class StyleChance:
    style: str
    name: str
    probability: float
    label: str

    @property
    def bar_width(self) -> float:
        """Width of the probability bar in a 0..100 SVG viewBox."""
        return round(self.probability * 100, 1)


@dataclass(frozen=True)
class DimensionReport:
    key: str
    name: str
    about: str
    theta: float
    se: float
    percentile: float
    mean: float | None
    n_items: int
    sentence: str
    high: bool


@dataclass(frozen=True)
class ClaimTier:
    heading: str
    claims: list[Claim]


@dataclass(frozen=True)
class ReportContext:
    token: str
    completed_at: datetime
    form: str
    n_items: int
    consent_research: bool
    style: str
    style_name: str
    chances: list[StyleChance]
    near_boundary: bool
    runner_up: StyleChance | None
    anxiety: DimensionReport
    avoidance: DimensionReport
    norm_group: str
    chart: Chart
    style_page: StylePage
    claim_tiers: list[ClaimTier]
    references: list[Reference]
    measure_citation: str

    @property
    def top(self) -> StyleChance:
        return self.chances[0]

    @property
    def dimensions(self) -> tuple[DimensionReport, DimensionReport]:
        return (self.anxiety, self.avoidance)


def _dimension(key: str, result: Result) -> DimensionReport:
    score = getattr(result, key)
    words = DIMENSION_WORDS[key]
    return DimensionReport(
        key=key,
        name=words["name"],
        about=words["about"],
        theta=score.theta,
        se=score.se,
        percentile=score.percentile,
        mean=score.mean,
        n_items=score.n_items,
        sentence=percentile_sentence(key, score.percentile),
        high=score.theta > item_bank().cuts[key],
    )


def _chances(result: Result) -> list[StyleChance]:
    chances = [
        StyleChance(style, STYLE_NAMES[style], p, percent_label(p))
        for style, p in result.style_probabilities.items()
        if style in STYLES
    ]
    # Stable order for ties: the psychometrics' own STYLES order.
    return sorted(chances, key=lambda c: (-c.probability, STYLES.index(c.style)))


def claim_tiers(style: str, claims: list[Claim]) -> list[ClaimTier]:
    """Split the library's ordered claims into "your style", "insecure" and "everyone".

    The library already orders claims most relevant first; the headings tell the reader
    which findings are about people like them and which are about everyone.
    """
    tiers: list[tuple[str, list[Claim]]] = [
        (f"Findings about the {STYLE_NAMES[style].lower()} style", []),
        ("Findings about insecure attachment in general", []),
        ("Findings about everyone", []),
    ]
    for claim in claims:
        if style in claim.concerns:
            tiers[0][1].append(claim)
        elif style != "secure" and "insecure" in claim.concerns:
            tiers[1][1].append(claim)
        else:
            tiers[2][1].append(claim)
    return [ClaimTier(heading, found) for heading, found in tiers if found]


def _unique_references(claims: list[Claim]) -> list[Reference]:
    seen: set[str] = set()
    references: list[Reference] = []
    for claim in claims:
        for reference in claim.references:
            if reference.id not in seen:
                seen.add(reference.id)
                references.append(reference)
    return sorted(references, key=lambda ref: (ref.authors, ref.year))


def build_report_context(session: QuizSession) -> ReportContext:
    """Everything the page, the PDF and the mail say about one finished session.

    Raises ``NotFinished`` (from the quiz services) when the session has no result yet.
    """
    result = get_result(session)
    chances = _chances(result)
    library = get_library()
    claims = list(library.claims_for_style(result.style))
    anxiety, avoidance = _dimension("anxiety", result), _dimension("avoidance", result)
    near_boundary = chances[0].probability < BOUNDARY_PROBABILITY
    return ReportContext(
        token=session.token,
        completed_at=session.completed_at,
        form=session.form,
        n_items=anxiety.n_items + avoidance.n_items,
        consent_research=session.consent_research,
        style=result.style,
        style_name=STYLE_NAMES[result.style],
        chances=chances,
        near_boundary=near_boundary,
        runner_up=chances[1] if near_boundary else None,
        anxiety=anxiety,
        avoidance=avoidance,
        norm_group=result.norm_group,
        chart=build_chart(result, STYLE_NAMES[result.style]),
        style_page=library.style(result.style),
        claim_tiers=claim_tiers(result.style, claims),
        references=_unique_references(claims),
        measure_citation=item_bank().citation,
    )


def address_key(email: str) -> str:
    """A keyed hash of an address, for rate limiting without keeping the address anywhere."""
    normalised = email.strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()


def queue_report_email(session: QuizSession, email: str, *, subscribe: bool) -> ReportEmail:
    """Store the request and hand its id (never the address) to the background task."""
    report_email = ReportEmail.objects.create(
        session=session, email=email.strip(), subscribe=subscribe
    )
    async_task(REPORT_TASK, report_email.pk, task_name="report-email")
    return report_email


def purge_stale_report_emails(older_than: timedelta) -> int:
    """Delete report mails that still hold an address after ``older_than``; returns how many."""
    cutoff = timezone.now() - older_than
    deleted, _ = ReportEmail.objects.filter(created_at__lt=cutoff).exclude(email="").delete()
    return deleted
