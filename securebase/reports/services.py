"""Everything the result page, the PDF and the report mail say, built in one place.

The page, the PDF and the mail render from the same :class:`ReportContext`, so they cannot
drift apart. Every sentence that interprets a number (the headline, how sure the quiz is,
percentiles, the comparison group) is written here rather than in templates, so it is tested
and says exactly one thing. The names below are the contract with the PDF and mail templates:

- ``report.headline`` ("Most likely Secure" / "Between Avoidant and Secure" / "Your answers
  do not point clearly to one style"), with ``headline_eyebrow`` and ``headline_names`` for
  the big type (empty for the last: show the headline itself), and ``meaning``, one line on
  what the position means in everyday words;
- ``report.certainty`` (a short phrase for the first screen), ``report.chances_line`` (what
  the percentages beside the style names are, in plain words) and ``report.how_sure`` (the
  statistical detail: what the percentages mean, the chance of where the person really is;
  after the quick test, how likely all the questions are to give the same style; and how
  often the same form gives the same style again in simulations, all computed by the
  psychometrics package), which templates show only inside the "How sure is this?" detail
  marked ``data-statistics`` (:mod:`securebase.reports.plain_words` lists the words that may
  appear only there);
- ``report.anxiety`` / ``report.avoidance`` (:class:`DimensionReport`: ``sentence``,
  ``range_sentence``, ``basis_sentence``, ``average_sentence``);
- ``report.norm`` (:class:`NormReport`: who the person is compared with, in plain words);
- ``report.claim_tiers`` ("About people with your style" holds only findings from studies that
  measured adult attachment by self-report, like this quiz; the rest is "Related research");
- ``report.style_page`` (daily life, strengths, growth edges, next steps);
- ``report.quality`` (:class:`QualityNotice`, ``None`` when the answers passed every check):
  when set, the templates show it (``reports/_quality_notice.html``) instead of the style,
  the scores and the style page, because answers that cannot be scored well say nothing
  reliable about the person.

Style names shown to people come only from
:data:`securebase.psychometrics.styles.STYLE_NAMES`: the machine value
``"disorganized"`` (kept in the scoring API) is shown as "Fearful-avoidant".
"""

from __future__ import annotations

import calendar as calendar_module
import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import icalendar
from django.conf import settings
from django.utils import timezone
from django_q.tasks import async_task

from securebase.content.entities import STRENGTH_WORDS, STRENGTHS
from securebase.content.library import Claim, Reference, StylePage, get_library
from securebase.newsletter.addresses import address_hash, normalise_email
from securebase.psychometrics import STYLES, Change, Result, item_bank, reliable_change
from securebase.psychometrics.certainty import retest_agreement
from securebase.psychometrics.norms import DIMENSIONS, NormSample
from securebase.psychometrics.response_quality import ResponseQuality
from securebase.psychometrics.styles import STYLE_NAMES, STYLE_SLUGS
from securebase.quiz.services import delete_session, get_result
from securebase.quiz.sittings import chain_tokens, delete_chain
from securebase.quiz.sittings import sittings as sittings_of
from securebase.reports.chart import Chart, build_chart
from securebase.reports.models import DeletedResult, ReportEmail
from securebase.reports.timeline import Timeline, build_timeline

if TYPE_CHECKING:
    from securebase.quiz.models import QuizSession

#: The headline says "most likely X" only from this probability on; below it the answers are
#: about as consistent with the runner-up, so the headline names both leading styles.
HEADLINE_PROBABILITY = 0.6
#: Below this combined probability of the two leading styles, naming two styles would mislead
#: (answers of "neither agree nor disagree" to everything give about 33/30/19/18), so the
#: headline says the answers do not point clearly to one style.
PAIR_PROBABILITY = 0.7
UNCLEAR_HEADLINE = "Your answers do not point clearly to one style"
#: Kept for the PDF and mail templates, which say "near a boundary" below the same line.
BOUNDARY_PROBABILITY = HEADLINE_PROBABILITY
#: From this probability on, the first screen says the quiz is quite sure.
SURE_PROBABILITY = 0.9
#: A dimension's side of its dividing line counts as clear outside this band of P(high).
UNCLEAR_SIDE = (0.2, 0.8)
#: "On the high side" (or low) also needs the whole 95% percentile range beyond the group's
#: middle, so the meaning line never says "high" next to "more than 48% of the group".
MIDDLE_PERCENTILE = 50.0

# How each dimension is said in plain words. Anxiety is always worry about rejection and
# abandonment, avoidance always discomfort with closeness and depending on others; both
# directions are said positively ("more at ease"), never as a double negative.
DIMENSION_WORDS = {
    "anxiety": {
        "name": "Anxiety",
        "about": "worry about rejection and abandonment",
        "more": "You worry more about rejection and abandonment than",
        "less": "You worry less about rejection and abandonment than",
        "same": "Your worry about rejection and abandonment is right in the middle: "
        "about half of the comparison group worry more and half less.",
        "clearly high": "your worry about rejection and abandonment is on the high side",
        "high": "your worry about rejection and abandonment is above the dividing line",
        "unclear": "your worry about rejection and abandonment is near the dividing line",
        "low": "your worry about rejection and abandonment is below the dividing line",
        "clearly low": "your worry about rejection and abandonment is on the low side",
    },
    "avoidance": {
        "name": "Avoidance",
        "about": "discomfort with closeness and with depending on others",
        "more": "You feel more uncomfortable with closeness and with depending on others than",
        "less": "You feel more at ease with closeness and with depending on others than",
        "same": "Your comfort with closeness and with depending on others is right in the "
        "middle: about half of the comparison group feel more at ease and half less.",
        "clearly high": "closeness and depending on others tend to feel uncomfortable",
        "high": "your discomfort with closeness and with depending on others is above the "
        "dividing line",
        "unclear": "your comfort with closeness and with depending on others is near the "
        "dividing line",
        "low": "your discomfort with closeness and with depending on others is below the "
        "dividing line",
        "clearly low": "you are mostly at ease with closeness and with depending on others",
    },
}

DIVIDING_LINE = (
    "The dividing line on each score is where a person's answers to its statements average "
    '3, "neither agree nor disagree"; above it counts as high.'
)
#: What the percentages beside the style names are, in the words of the first screen.
CHANCES_LINE = "How likely each style is to be yours, given your answers."
#: What the two scores are, said once on the page and in the PDF: the quiz measures adult
#: attachment by self-report, which is neither a diagnosis nor a view of childhood.
MEASURE_LINE = (
    "From your answers about adult close relationships, mostly with partners. Not a "
    "diagnosis; nothing certain about your childhood."
)
REVERSE_WORDED = (
    "Some statements are worded the other way round; for those, disagreeing counts toward "
    "the score, so this average can differ from the plain average of your clicks."
)

REPORT_TASK = "securebase.reports.tasks.send_report_email"


def _whole_percentile(value: float) -> int:
    """A percentile as said to people: whole, and within 1..99 (nobody is beyond everyone)."""
    return min(99, max(1, round(value)))


def percentile_sentence(dimension: str, percentile: float) -> str:
    """Where someone stands among other people, without a statistics lesson.

    Above the middle we say "more ... than N% of the comparison group", below it "less ...
    than N%" with N the share above them, because "more than 8%" reads as a high score to most
    readers. Avoidance below the middle is "more at ease", never "less uncomfortable".
    """
    words = DIMENSION_WORDS[dimension]
    pct = _whole_percentile(percentile)
    if pct > 50:
        return f"{words['more']} {pct}% of the comparison group."
    if pct < 50:
        return f"{words['less']} {100 - pct}% of the comparison group."
    return words["same"]


def range_sentence(percentile: float, interval: tuple[float, float]) -> str:
    """The percentile as the range the answers allow, with the most likely value, in people.

    ``interval`` is the central 95% posterior interval from the psychometrics package. It is
    said as how many out of 100 people in the comparison group score lower, never as "the
    62nd percentile". After rounding the point value is kept inside the range, so the
    sentence never contradicts itself.
    """
    low, high = (_whole_percentile(value) for value in interval)
    most = min(high, max(low, _whole_percentile(percentile)))
    if low == high:
        return (
            f"Out of 100 people in the comparison group, about {most} score lower than you; "
            "your answers leave little doubt about it."
        )
    return (
        f"Out of 100 people in the comparison group, between {low} and {high} score lower "
        f"than you (most likely {most})."
    )


def percent_label(probability: float) -> str:
    """A probability as people read it: whole percent, and "under 1%" rather than "0%"."""
    if probability < 0.005:
        return "under 1%"
    if probability > 0.995:
        return "over 99%"
    return f"{round(probability * 100)}%"


def in_100(probability: float) -> str:
    """A probability as a count of 100 people, never the absolute "0" or "100"."""
    if probability < 0.005:
        return "fewer than 1"
    if probability > 0.995:
        return "more than 99"
    return f"about {round(probability * 100)}"


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
    """One of the two scores, with every sentence the report says about it.

    ``sentence``: where the person stands ("You worry more ... than 68% of the comparison
    group.");
    ``range_sentence``: the 95% range of the percentile and its most likely value, said as
    people out of 100;
    ``basis_sentence``: how many questions the score rests on; ``side_sentence``: which side
    of the dividing line the best estimate is on; ``average_sentence``: the
    average answer, saying plainly that reverse-worded statements count the other way
    (empty when no question of this dimension was answered).
    """

    key: str
    name: str
    about: str
    theta: float
    se: float
    percentile: float
    percentile_interval: tuple[float, float]
    mean: float | None
    n_items: int
    sentence: str
    range_sentence: str
    basis_sentence: str
    average_sentence: str
    high: bool

    @property
    def side_sentence(self) -> str:
        """Which side of the dividing line the best estimate is on (see ``DIVIDING_LINE``)."""
        side = "higher" if self.high else "lower"
        return f"On the {side} side of the dividing line."


@dataclass(frozen=True)
class NormReport:
    """Who the percentiles compare with: the group's name and one plain sentence about it.

    ``label`` is the group's name without its size ("adults 18+"): the sentence says how many
    people it holds. ``sentence`` is empty for results stored before the sample was recorded;
    the label alone is then all that is known.
    """

    label: str
    sentence: str
    dividing_line: str = DIVIDING_LINE
    method_url: str = "/about/#method"


@dataclass(frozen=True)
class ClaimTier:
    """Findings shown under one heading.

    ``related`` is true for "Related research" (other measures, other people); its claims
    show what was measured, because they are not findings about the reader's style.
    """

    heading: str
    intro: str
    claims: list[Claim]
    related: bool = False


#: What each response-quality flag means, in plain and kind words (the order of
#: ``response_quality.FLAGS``: the most specific reason first).
QUALITY_REASONS = {
    "midpoint": 'Your answers were mostly in the middle ("neither agree nor disagree"), '
    "so no style describes you well.",
    "straight_line": "You gave the same answer to almost every statement, even to statements "
    "that say opposite things.",
    "contradictory": "Some of your answers pull in opposite directions: you agreed (or "
    "disagreed) with statements that say opposite things.",
    "misfit": "Your answers do not follow the pattern we see in most people's answers, so any "
    "score from them could be far off.",
    "too_fast": "You answered faster than most people can read the statements.",
}
QUALITY_HEADLINE = "We cannot give you a clear result from these answers"
QUALITY_KIND = (
    "This happens, and it says nothing bad about you. It can happen when the statements do "
    "not fit your life right now, when you are unsure, or when you click through quickly."
)
QUALITY_ADVICE = (
    "If you would like a result, please try again when you have a few quiet minutes. Read "
    "each statement and pick the answer that fits you best, even if it fits only a little."
)
QUALITY_FULL_FORM = (
    "The full questionnaire (36 statements) gives the most careful result; you can choose it "
    "when you start again."
)
QUALITY_WHY_NO_STYLE = (
    "We do not show a style or scores: from answers like these they would describe the "
    "pattern of clicks, not you."
)


@dataclass(frozen=True)
class QualityNotice:
    """What the result says instead of a style when the answers cannot be scored well.

    ``reasons`` holds one plain sentence per failed check (:data:`QUALITY_REASONS`);
    ``full_form`` is the nudge towards the full questionnaire, empty after the full one.
    """

    flags: tuple[str, ...]
    headline: str
    reasons: list[str]
    kind: str
    why_no_style: str
    advice: str
    full_form: str


def quality_notice(quality: ResponseQuality | None, form: str) -> QualityNotice | None:
    """The notice for a flagged result; ``None`` when nothing was flagged (or never checked)."""
    if quality is None or not quality.is_flagged:
        return None
    # "Mostly in the middle" already says "the same answer" when that answer was the middle.
    said = [f for f in quality.flags if not (f == "straight_line" and "midpoint" in quality.flags)]
    return QualityNotice(
        flags=quality.flags,
        headline=QUALITY_HEADLINE,
        reasons=[QUALITY_REASONS[flag] for flag in said],
        kind=QUALITY_KIND,
        why_no_style=QUALITY_WHY_NO_STYLE,
        advice=QUALITY_ADVICE,
        full_form=QUALITY_FULL_FORM if form != "full" else "",
    )


@dataclass(frozen=True)
class CitedClaim:
    """A finding as the PDF prints it: with the numbers of its entries in the reference list."""

    claim: Claim
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class CitedTier:
    heading: str
    intro: str
    claims: list[CitedClaim]
    related: bool


@dataclass(frozen=True)
class PrintedSources:
    """The research as the PDF prints it, in at most a page and a half.

    Every finding about people with the reader's style is printed; of the related research
    only what rests on more than one small study (:data:`PRINTED_RELATED`), because the
    report is about the reader. ``left_out`` counts the rest, which the PDF points to in the
    evidence library. ``references`` are the printed findings' sources, numbered from 1.
    """

    tiers: list[CitedTier]
    references: list[Reference]
    left_out: int


#: Strengths of related findings the PDF prints (the page shows every finding).
PRINTED_RELATED = ("established", "suggestive")


def studied_phrase(claim: Claim) -> str:
    """Who a finding's studies looked at: "First-time mothers (30 people)", or just the people.

    The number is given when the evidence library records it; otherwise the strength label
    beside the finding already says how much research it rests on.
    """
    if claim.n:
        return f"{claim.population} ({claim.n:,} people)"
    return claim.population


@dataclass(frozen=True)
class ReportContext:
    token: str
    completed_at: datetime
    form: str
    n_items: int
    n_full_items: int
    consent_research: bool
    style: str
    style_name: str
    chances: list[StyleChance]
    near_boundary: bool
    runner_up: StyleChance | None
    headline: str
    headline_eyebrow: str
    headline_names: list[StyleChance]
    meaning: str
    certainty: str
    how_sure: list[str]
    anxiety: DimensionReport
    avoidance: DimensionReport
    norm_group: str
    norm: NormReport
    chart: Chart
    style_page: StylePage
    claim_tiers: list[ClaimTier]
    references: list[Reference]
    measure_citation: str
    measure_line: str = MEASURE_LINE
    chances_line: str = CHANCES_LINE
    #: Set when the answers cannot be scored well: shown instead of the style and scores.
    quality: QualityNotice | None = None
    #: The earlier sittings and what changed since the last one (``None``: first sitting).
    since_last: SinceLastTime | None = None
    #: (strength, what it requires) in the content app's words, strongest first.
    strength_words: tuple[tuple[str, str], ...] = tuple(
        (strength, STRENGTH_WORDS[strength]) for strength in STRENGTHS
    )

    @property
    def top(self) -> StyleChance:
        return self.chances[0]

    @property
    def dimensions(self) -> tuple[DimensionReport, DimensionReport]:
        return (self.anxiety, self.avoidance)

    @property
    def printed_sources(self) -> PrintedSources:
        """The findings and numbered references the PDF prints (see :class:`PrintedSources`)."""
        tiers = [
            (tier, [c for c in tier.claims if not tier.related or c.strength in PRINTED_RELATED])
            for tier in self.claim_tiers
        ]
        references = _unique_references([claim for _, claims in tiers for claim in claims])
        number = {reference.id: n for n, reference in enumerate(references, start=1)}
        cited = [
            CitedTier(
                tier.heading,
                tier.intro,
                [
                    CitedClaim(claim, tuple(sorted(number[ref.id] for ref in claim.references)))
                    for claim in claims
                ],
                tier.related,
            )
            for tier, claims in tiers
            if claims
        ]
        left_out = sum(len(tier.claims) - len(claims) for tier, claims in tiers)
        return PrintedSources(cited, references, left_out)

    @property
    def share_slug(self) -> str:
        """Slug of the public share page for this style (no token, no scores)."""
        return STYLE_SLUGS[self.style]


def style_for_share_slug(slug: str) -> str:
    """Machine style of a share page slug; ``KeyError`` for anything else."""
    for style, candidate in STYLE_SLUGS.items():
        if candidate == slug:
            return style
    raise KeyError(slug)


def _dimension(key: str, result: Result) -> DimensionReport:
    score = getattr(result, key)
    words = DIMENSION_WORDS[key]
    questions = "question" if score.n_items == 1 else "questions"
    average = ""
    if score.mean is not None:
        average = (
            f"Your average answer to these {score.n_items} {questions} was "
            f"{score.mean:.1f} on the 1 to 5 scale. {REVERSE_WORDED}"
        )
    return DimensionReport(
        key=key,
        name=words["name"],
        about=words["about"],
        theta=score.theta,
        se=score.se,
        percentile=score.percentile,
        percentile_interval=score.percentile_interval,
        mean=score.mean,
        n_items=score.n_items,
        sentence=percentile_sentence(key, score.percentile),
        range_sentence=range_sentence(score.percentile, score.percentile_interval),
        basis_sentence=f"This score rests on {score.n_items} {questions}.",
        average_sentence=average,
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


def headline(chances: list[StyleChance]) -> tuple[str, str, list[StyleChance]]:
    """(headline, eyebrow, names in big type): "Most likely X" only from 60% on.

    Below :data:`HEADLINE_PROBABILITY` the answers fit the runner-up almost as well, so the
    headline is "Between X and Y" with the two leading styles, most likely first; when even
    those two together are below :data:`PAIR_PROBABILITY`, it names no style at all (the
    names list is empty and templates show the headline itself in big type).
    """
    top = chances[0]
    if top.probability >= HEADLINE_PROBABILITY:
        return f"Most likely {top.name}", "Your attachment style is most likely", [top]
    pair = chances[:2]
    if sum(chance.probability for chance in pair) < PAIR_PROBABILITY:
        return UNCLEAR_HEADLINE, "Your result", []
    return (
        f"Between {pair[0].name} and {pair[1].name}",
        "Your answers sit between two styles",
        pair,
    )


def _side(p_high: float, interval: tuple[float, float], words: dict[str, str]) -> str:
    """Words for one score, graded so they never contradict the numbers beside them.

    The side of the dividing line is said only when P(high) is outside
    :data:`UNCLEAR_SIDE`; "on the high side" (or low) only when, in addition, the whole 95%
    percentile range is beyond the middle of the comparison group.
    """
    low, high = UNCLEAR_SIDE
    if p_high >= high:
        return words["clearly high" if interval[0] >= MIDDLE_PERCENTILE else "high"]
    if p_high <= low:
        return words["clearly low" if interval[1] <= MIDDLE_PERCENTILE else "low"]
    return words["unclear"]


def meaning_line(result: Result) -> str:
    """One line on what the position means, built from the two scores rather than a label."""
    p = result.style_probabilities
    p_anxiety_high = p["anxious"] + p["disorganized"]
    p_avoidance_high = p["avoidant"] + p["disorganized"]
    anxiety = _side(p_anxiety_high, result.anxiety.percentile_interval, DIMENSION_WORDS["anxiety"])
    avoidance = _side(
        p_avoidance_high, result.avoidance.percentile_interval, DIMENSION_WORDS["avoidance"]
    )
    return f"In close relationships, {anxiety}, and {avoidance}."


def certainty_phrase(chances: list[StyleChance]) -> str:
    """How sure the quiz is, in a few words for the first screen."""
    top, second = chances[0], chances[1]
    if top.probability >= SURE_PROBABILITY:
        return f"The quiz is quite sure: {top.label} likely, given your answers."
    if top.probability >= HEADLINE_PROBABILITY:
        return (
            f"Likely, not certain: {top.label} {top.name.lower()}, "
            f"{second.label} {second.name.lower()}."
        )
    return f"Not clear-cut: {top.label} {top.name.lower()}, {second.label} {second.name.lower()}."


def how_sure_sentences(
    chances: list[StyleChance],
    form: str,
    *,
    full_form_agreement: float | None,
    retest: float,
) -> list[str]:
    """What the percentages mean, the quick test's second figure, and what a retest shows.

    The percentages are the chance that the person really is in each area of the chart
    (their true position), after either form. After the quick test, ``full_form_agreement``
    adds how likely all the questions are to give the same style. Quick-test results stored
    before that figure existed (``None``) held the forecast of the full questionnaire as their
    percentages, and are described as such. ``retest`` is the simulated chance that the same
    form, taken again by a person whose feelings did not change, gives the same style
    (:func:`securebase.psychometrics.certainty.retest_agreement`); it is passed in so the
    figure shown is always the computed one.
    """
    top = chances[0]
    name, count, n_full = top.name.lower(), in_100(top.probability), len(item_bank().items)
    sentences = []
    if form == "adaptive" and full_form_agreement is None:
        sentences.append(
            f"Given answers like yours, all {n_full} questions would give the {name} style "
            f"{count} times in 100."
        )
    else:
        sentences.append(
            "The percentages are the chance that you really are in each area of the chart, "
            f"given your answers: {count} in 100 for {name}."
        )
    if full_form_agreement is not None:
        sentences.append(
            f"If you answered all {n_full} questions, the chance that you would get the same "
            f"style is {in_100(full_form_agreement)} in 100."
        )
    again = f"all {n_full} questions" if form == "full" else "the quick version"
    sentences.append(
        f"In our simulations of people whose feelings did not change, answering {again} "
        f"twice gave the same style both times for about {round(retest * 100)} in 100 of them. "
        "Real retests differ more, because people change."
    )
    return sentences


def without_count(label: str) -> str:
    """A norm group's label without the "(n=34,860)" that the psychometrics package adds."""
    return re.sub(r"\s*\(n=[\d,]+\)$", "", label)


def plain_source(source: str) -> str:
    """Where the comparison group's answers come from, without the dataset's jargon.

    The psychometrics package names the data set for the manual ("volunteers who took the
    ECR online at ..., data release of March 2018"); a person reads "volunteers who answered
    these questions online at ...". The release date stays in the method pages.
    """
    plain = source.split(", data release")[0]
    return plain.replace("took the ECR", "answered these questions")


def norm_report(norm_group: str, sample: NormSample | None) -> NormReport:
    """Name the comparison group and describe it in one plain sentence."""
    if sample is None:
        return NormReport(label=without_count(norm_group), sentence="")
    shares = ", ".join(
        f"{round(sample.style_shares[style] * 100)}% {STYLE_NAMES[style].lower()}"
        for style in STYLES
    )
    sentence = (
        f"They are {sample.n:,} {plain_source(sample.source)}; "
        f"{round(sample.share_women * 100)}% are women and half are younger than "
        f"{sample.median_age:g}. By their own answers, {shares}."
    )
    return NormReport(label=without_count(sample.label), sentence=sentence)


def _is_about_style(claim: Claim, style: str) -> bool:
    """A finding about the reader's style: the right people, measured the way we measure.

    Only studies that measured adult attachment by a close-relationships questionnaire, like
    this quiz, in people without a shared diagnosis (``Claim.is_about_style``, decided by the
    content app) can say something about people with a style found by this quiz. Findings
    about insecure attachment in general count for the three insecure styles.
    """
    concerns_style = style in claim.concerns or (style != "secure" and "insecure" in claim.concerns)
    return concerns_style and claim.is_about_style


def claim_tiers(style: str, claims: list[Claim]) -> list[ClaimTier]:
    """Split the library's ordered claims into "about your style" and "related research"."""
    about = [claim for claim in claims if _is_about_style(claim, style)]
    related = [claim for claim in claims if not _is_about_style(claim, style)]
    tiers = [
        ClaimTier(
            "About people with your style",
            "Studies that measured adult attachment anxiety and avoidance with a "
            "questionnaire, as this quiz does.",
            about,
        ),
        ClaimTier(
            "Related research",
            "Findings from other measures (interviews, picture tests, no attachment measure) "
            "or about other people. Each says what was measured; none of it is a finding "
            "about your style.",
            related,
            related=True,
        ),
    ]
    return [tier for tier in tiers if tier.claims]


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
    title, eyebrow, names = headline(chances)
    assert session.completed_at is not None  # get_result refuses an unfinished session
    return ReportContext(
        token=session.token,
        completed_at=session.completed_at,
        form=session.form,
        n_items=anxiety.n_items + avoidance.n_items,
        n_full_items=len(item_bank().items),
        consent_research=session.consent_research,
        style=result.style,
        style_name=STYLE_NAMES[result.style],
        chances=chances,
        near_boundary=near_boundary,
        runner_up=chances[1] if near_boundary else None,
        headline=title,
        headline_eyebrow=eyebrow,
        headline_names=names,
        meaning=meaning_line(result),
        certainty=certainty_phrase(chances),
        how_sure=how_sure_sentences(
            chances,
            session.form,
            full_form_agreement=result.full_form_agreement,
            retest=retest_agreement(session.form),
        ),
        anxiety=anxiety,
        avoidance=avoidance,
        norm_group=result.norm_group,
        norm=norm_report(result.norm_group, result.norm_sample),
        chart=build_chart(result, STYLE_NAMES),
        style_page=library.style(result.style),
        claim_tiers=claim_tiers(result.style, claims),
        references=_unique_references(claims),
        measure_citation=item_bank().citation,
        quality=quality_notice(result.quality, session.form),
        since_last=since_last_time(session),
    )


def _keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def address_key(email: str) -> str:
    """A keyed hash of an address, for rate limiting without keeping the address anywhere.

    Hashed in its canonical form, so every spelling that reaches one mailbox (letter
    case, fullwidth letters, invisible characters) shares one limit.
    """
    return address_hash(normalise_email(email))


def delete_result(token: str) -> bool:
    """Delete a session with everything that hangs on it, and remember only that it was.

    The link's keyed hash (:class:`DeletedResult`) lets the link say "deleted" later;
    returns whether anything was deleted.
    """
    deleted = delete_session(token)
    if deleted:
        DeletedResult.objects.get_or_create(token_hash=_keyed_hash(token))
    return deleted


def was_deleted(token: str) -> bool:
    """Did the person delete the result at this link (through :func:`delete_result`)?"""
    return DeletedResult.objects.filter(token_hash=_keyed_hash(token)).exists()


def retry_phrase(seconds: int) -> str:
    """When a rate limit lets the person try again, in words: "in 12 minutes"."""
    minutes = max(1, -(-seconds // 60))
    if minutes >= 60:
        return "in about an hour"
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


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


# -- Since last time: the sittings of one chain and what changed -------------------------------

#: How each score is named when it is compared with last time.
CHANGE_SUBJECTS = {
    "anxiety": "Your worry about rejection and abandonment",
    "avoidance": "Your discomfort with closeness and with depending on others",
}
#: The timeline's panel titles.
TIMELINE_TITLES = {
    "anxiety": "Worry about rejection (anxiety)",
    "avoidance": "Discomfort with closeness (avoidance)",
}
#: A retake sooner than this after the sitting before it mostly measures memory of the answers.
MEMORY_DAYS = 7
#: The months a calendar reminder can be set for.
REMINDER_MONTHS = (1, 3, 6)
FORM_WORDS = {"full": "all questions", "adaptive": "quick version"}
CHAIN_FULL = (
    "You have taken the quiz {n} times from these private links, which is as many as one "
    "set of linked results can hold. To take it again, start a new quiz from the start page: "
    "it will not be linked to these results."
)
RETAKE_LIMITED = (
    "Many quizzes were started from your network in the last hour, so we have paused new "
    "ones. Please try again later."
)


def ago_phrase(then: datetime, now: datetime) -> str:
    """How long ago a sitting was, in words: "today", "3 days ago", "about 4 months ago"."""
    days = (now.date() - then.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"about {round(days / 30.4)} months ago"
    years = days // 365
    return "over a year ago" if years == 1 else f"over {years} years ago"


def change_sentence(dimension: str, verdict: str) -> str:
    """One plain sentence on one score's change since the sitting before."""
    subject = CHANGE_SUBJECTS[dimension]
    if verdict in ("higher", "lower"):
        return (
            f"{subject} is {verdict} than last time, by more than the quiz's precision can explain."
        )
    return (
        f"{subject} is about the same as last time: the difference is within what the quiz "
        "can tell apart."
    )


def style_change_note(earlier_style: str, later_style: str, any_reliable: bool) -> str:
    """What a changed (or unchanged) style name means next to the two scores' verdicts.

    A name that changed while neither score moved beyond the quiz's precision is explained as
    the wobble near a dividing line that it most likely is, not reported as a change.
    """
    before, after = STYLE_NAMES[earlier_style], STYLE_NAMES[later_style]
    if earlier_style == later_style:
        return f"Your most likely style is {after}, as last time."
    if not any_reliable:
        return (
            f"Your most likely style's name changed from {before} to {after}, but neither "
            "score moved by more than the quiz's precision can explain. Your answers sit near "
            "a dividing line, where a small wobble between two sittings can change the name. "
            "This is not a sign that something changed."
        )
    return (
        f"Your most likely style changed from {before} to {after}, with at least one score "
        "moving by more than the quiz's precision can explain."
    )


def memory_note(days: int) -> str:
    """Said when a retake came soon after the sitting before it (empty otherwise)."""
    if days >= MEMORY_DAYS:
        return ""
    when = "on the same day" if days <= 0 else f"{days} day{'s' if days != 1 else ''} later"
    return (
        f"You took the quiz again {when}. So soon after, a second sitting mostly shows how "
        "well you remember your answers, not whether something changed. A retake after a few "
        "months says more."
    )


@dataclass(frozen=True)
class SittingLine:
    """One sitting as the list beside the timeline names it."""

    number: int
    completed_at: datetime
    ago: str
    form: str
    anxiety: str
    avoidance: str
    latest: bool


@dataclass(frozen=True)
class SinceLastTime:
    """The sittings of a chain up to this one and the latest change, in plain words.

    ``sentences`` holds one sentence per score about the change from the sitting before;
    ``style_note`` what the style name's change means; ``memory_note`` is empty unless the
    retake came within :data:`MEMORY_DAYS`; ``how_judged`` goes in the "How sure" details.
    """

    sittings: list[SittingLine]
    timeline: Timeline
    sentences: list[str]
    style_note: str
    memory_note: str
    how_judged: list[str]
    level: float


def _range_words(low: float, high: float) -> str:
    return f"{_whole_percentile(low)} to {_whole_percentile(high)}"


def how_judged_sentences(change: Change) -> list[str]:
    """How a change is judged, with the level it uses (for the "How sure" details)."""
    level = round(change.level * 100)
    return [
        "Any two sittings differ a little, even when nothing changed: answers wobble from "
        "day to day. We say a score is higher or lower only when the difference is bigger "
        f"than {level} in 100 differences between two sittings of someone who did not change "
        "would be, using each sitting's own uncertainty (the ranges on the chart).",
        "Otherwise we say it is about the same: the difference is within what the quiz can "
        "tell apart. That does not prove nothing changed, only that the quiz cannot tell.",
    ]


def since_last_time(session: QuizSession, now: datetime | None = None) -> SinceLastTime | None:
    """Timeline and latest change of the chain up to ``session`` (``None``: first sitting)."""
    # Every sitting of the chain is finished (quiz.sittings); each with its finishing time.
    finished = [(sitting, sitting.completed_at) for sitting in sittings_of(session)]
    chain = [sitting for sitting, _ in finished]
    times = [when for _, when in finished if when is not None]
    if len(chain) < 2 or len(times) != len(chain) or not session.is_completed:
        return None
    now = now or timezone.now()
    results = [get_result(sitting) for sitting in chain]
    change = reliable_change(results[-2], results[-1])
    description = (
        f"Your two scores at each of your {len(chain)} sittings, oldest first, each with its "
        "range. " + " ".join(change_sentence(d, getattr(change, d).verdict) for d in DIMENSIONS)
    )
    timeline = build_timeline(results, TIMELINE_TITLES, description)
    anxiety, avoidance = (panel.points for panel in timeline.panels)
    lines = [
        SittingLine(
            number=index + 1,
            completed_at=times[index],
            ago=ago_phrase(times[index], now),
            form=FORM_WORDS.get(sitting.form, sitting.form),
            anxiety=_range_words(anxiety[index].low, anxiety[index].high),
            avoidance=_range_words(avoidance[index].low, avoidance[index].high),
            latest=index == len(chain) - 1,
        )
        for index, sitting in enumerate(chain)
    ]
    verdicts = [getattr(change, d).verdict for d in DIMENSIONS]
    gap = (times[-1].date() - times[-2].date()).days
    return SinceLastTime(
        sittings=lines,
        timeline=timeline,
        sentences=[change_sentence(d, v) for d, v in zip(DIMENSIONS, verdicts, strict=True)],
        style_note=style_change_note(
            change.earlier_style, change.later_style, any(v != "within" for v in verdicts)
        ),
        memory_note=memory_note(gap),
        how_judged=how_judged_sentences(change),
        level=change.level,
    )


def reminder_calendar(private_url: str, months: int, now: datetime | None = None) -> bytes:
    """A calendar file with one all-day event ``months`` from now that links to the result.

    Built with ``icalendar`` and handed straight to the browser: nothing about the reminder
    is stored on the server.
    """
    if months not in REMINDER_MONTHS:
        raise ValueError(f"months must be one of {REMINDER_MONTHS}")
    now = now or timezone.now()
    day = _add_months(now.date(), months)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//securebase//retake reminder//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"{uuid.uuid4()}@securebase")
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", "Take the attachment quiz again")
    event.add(
        "description",
        "Taking the quiz again shows whether your two scores changed since last time. "
        f'Open your private result and choose "Take it again": {private_url}\n'
        "Anyone with this link can see your result.",
    )
    event.add("url", private_url)
    calendar.add_component(event)
    return calendar.to_ical()


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar_module.monthrange(year, month)[1]))


def delete_all_sittings(token: str) -> int:
    """Delete every sitting linked with ``token``, remembering each link as deleted."""
    tokens = chain_tokens(token)
    deleted = delete_chain(token)
    for each in tokens:
        DeletedResult.objects.get_or_create(token_hash=_keyed_hash(each))
    return deleted
