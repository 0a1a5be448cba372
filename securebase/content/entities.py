"""The knowledge base as plain, immutable Python objects.

The content lives in Markdown and YAML files written by people, not in the database:
it changes only with a deploy, is reviewed like code, and is the same for everyone.
These dataclasses are what the rest of the site sees once the files are parsed
(``securebase.content.library.get_library()``), so templates, the report and the PDF
never touch raw front matter.

Raw identifiers (``reference_ids``, ``claim_ids``, ``related_slugs``) are kept beside
the resolved objects so that the validator can report a reference to something that
does not exist instead of the loader silently dropping it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from securebase.psychometrics.styles import STYLE_NAMES, STYLE_SLUGS, STYLES

# A style page's address is the name people read (psychometrics.styles.STYLE_SLUGS): the
# high-high quadrant's page is /styles/fearful-avoidant/, and its machine value
# ("disorganized", an infant classification the quiz does not measure) only redirects there.
STYLE_BY_SLUG: dict[str, str] = {slug: style for style, slug in STYLE_SLUGS.items()}
#: Machine values whose page lives at another address (their old address redirects).
RENAMED_STYLES: frozenset[str] = frozenset(
    style for style, slug in STYLE_SLUGS.items() if slug != style
)


def style_slug(style: str) -> str:
    """The last part of a style page's address: ``/styles/<slug>/``."""
    return STYLE_SLUGS.get(style, style)


# Who a claim is about, in the order the evidence filter offers them.
GROUPS: tuple[str, ...] = (
    *STYLES,
    "insecure",
    "mothers",
    "fathers",
    "parents",
    "children",
    "couples",
    "everyone",
)

GROUP_LABELS: dict[str, str] = {
    **STYLE_NAMES,
    "insecure": "Insecure (in general)",
    "mothers": "Mothers",
    "fathers": "Fathers",
    "parents": "Parents",
    "children": "Children",
    "couples": "Couples",
    "everyone": "Everyone",
}

# Plain words for the enumerations, shown next to every claim.
DIRECTION_WORDS: dict[str, str] = {
    "positive": "Positive: more of one goes with more of the other",
    "negative": "Negative: more of one goes with less of the other",
    "mixed": "Mixed: findings point in different directions",
    "depends": "Depends on the person or the situation",
}

# What kind of evidence a claim rests on. Kept small on purpose: each value has to mean
# something to a reader, and the strength rule in validate.py reads it.
EVIDENCE_KIND_WORDS: dict[str, str] = {
    "review": "Review that pulls together several studies",
    "meta-analysis": "Meta-analysis: a statistical summary of many studies",
    "intranasal-oxytocin-experiment": "Experiment in which people were given oxytocin as a "
    "nasal spray or a placebo, usually once, in a lab",
    "correlational-blood-or-saliva": "Correlational study: oxytocin was measured in blood or "
    "saliva and compared, which shows links, not causes",
    "animal": "Animal research",
    "observational": "Observational study without oxytocin measures (for example brain scans "
    "or behaviour), which shows links, not causes",
}

# How the studies behind a claim measured attachment, if at all. The first two are adult
# attachment measured by self-report on the anxiety and avoidance dimensions, as this quiz
# does; only those may be read as findings "about people with your style".
SELF_REPORT_ADULT_MEASURES = frozenset({"self-report-romantic", "self-report-adult"})
ATTACHMENT_MEASURE_PHRASES: dict[str, str] = {
    "self-report-romantic": "measured with a questionnaire about close relationships, "
    "like this quiz",
    "self-report-adult": "measured with an adult attachment questionnaire scored for anxiety "
    "and avoidance, like this quiz, though not necessarily about romantic partners",
    "self-report-other": "measured with another questionnaire that we could not confirm "
    "measures adult attachment as this quiz does",
    "interview": "measured with an attachment interview (the Adult Attachment Interview), "
    "not a questionnaire like this quiz",
    "projective": "measured with a picture-story task (the Adult Attachment Projective Picture "
    "System), not a questionnaire like this quiz",
    "none": "no attachment measure",
}

# Where each style sits on the two scales, in the words the style index shows.
STYLE_CORNERS: dict[str, str] = {
    "secure": "Lower anxiety, lower avoidance",
    "anxious": "Higher anxiety, lower avoidance",
    "avoidant": "Lower anxiety, higher avoidance",
    "disorganized": "Higher anxiety, higher avoidance",
}

# Strongest first: this order is also the sort order of claims on a style page.
STRENGTHS: tuple[str, ...] = ("established", "suggestive", "tentative")

# The strength ladder (enforced by securebase.content.validate.check_strength_rule):
# established needs a meta-analysis or ESTABLISHED_MIN_STUDIES independent studies;
# suggestive needs two studies or one study of LARGE_STUDY_N people; the rest is tentative.
ESTABLISHED_MIN_STUDIES = 3
LARGE_STUDY_N = 100
# Kinds of evidence whose measure itself is in doubt, so that size cannot make up for a single
# study: oxytocin in blood or saliva is mostly read with test kits whose readings are
# disputed (McCullough, Churchland & Mendez, 2013) and may not reflect the brain (Valstad et
# al., 2017). One such study stays tentative however many people took part.
DISPUTED_MEASURE_KINDS = frozenset({"correlational-blood-or-saliva"})

STRENGTH_WORDS: dict[str, str] = {
    "established": f"A meta-analysis, or at least {ESTABLISHED_MIN_STUDIES} independent "
    "studies, agree on this.",
    "suggestive": f"At least two studies, or one study of {LARGE_STUDY_N} or more people, "
    "point this way, but mostly from links or small samples, so it is not settled.",
    "tentative": "One small study, or an idea still being tested. It needs repeating "
    "before anyone relies on it.",
}

_AUTHOR_SPLIT = re.compile(r"(?<=\.),\s+(?:&\s+)?|\s+&\s+")
_ENDS_WITH_PUNCTUATION = (".", "?", "!")


@dataclass(frozen=True)
class Reference:
    """One published source, cited in APA style."""

    id: str
    authors: str
    year: int
    title: str
    journal: str
    volume: str
    issue: str
    pages: str
    doi: str | None
    in_source: bool = True
    """False for sources added in the evidence review, not in the source article's list."""

    @property
    def url(self) -> str:
        return f"/evidence/#ref-{self.id}"

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def volume_issue(self) -> str:
        return f"{self.volume}({self.issue})" if self.issue else self.volume

    @property
    def title_sentence(self) -> str:
        """The title with exactly one closing punctuation mark, as APA wants."""
        return self.title if self.title.endswith(_ENDS_WITH_PUNCTUATION) else f"{self.title}."

    @property
    def citation(self) -> str:
        """Plain-text APA-style citation, for places without markup (email, PDF alt text)."""
        parts = [
            f"{self.authors} ({self.year}). {self.title_sentence} "
            f"{self.journal}, {self.volume_issue}, {self.pages}."
        ]
        if self.doi_url:
            parts.append(self.doi_url)
        return " ".join(parts)

    @property
    def short_citation(self) -> str:
        """In-text form: "Surname, 2009", "Surname & Other, 2009" or "Surname et al., 2009"."""
        names = [part.split(",")[0].strip() for part in _AUTHOR_SPLIT.split(self.authors)]
        names = [name for name in names if name]
        if len(names) >= 3:
            who = f"{names[0]} et al."
        elif len(names) == 2:
            who = f"{names[0]} & {names[1]}"
        else:
            who = names[0] if names else self.authors
        return f"{who}, {self.year}"


@dataclass(frozen=True)
class Claim:
    """One finding from the research, in one plain sentence, with its evidence."""

    id: str
    claim: str
    detail: str
    concerns: list[str]
    direction: str
    evidence_kind: str
    attachment_measure: str
    population: str
    """Who was studied, in plain words ("30 first-time mothers")."""
    n: int | None
    """How many people took part; None for reviews and where the number was not checked."""
    studies: int
    """How many independent studies the claim rests on (at least); read by the strength rule."""
    clinical_sample: bool
    """True when everyone studied had a diagnosed condition (findings may not carry over)."""
    strength: str
    reference_ids: tuple[str, ...]
    references: list[Reference]

    @property
    def url(self) -> str:
        return f"/evidence/#claim-{self.id}"

    @property
    def anchor(self) -> str:
        return f"claim-{self.id}"

    @property
    def direction_words(self) -> str:
        return DIRECTION_WORDS.get(self.direction, self.direction)

    @property
    def kind_words(self) -> str:
        return EVIDENCE_KIND_WORDS.get(self.evidence_kind, self.evidence_kind)

    @property
    def measures_self_report(self) -> bool:
        """Did the studies measure adult attachment by self-report on the quiz's two scales?"""
        return self.attachment_measure in SELF_REPORT_ADULT_MEASURES

    @property
    def is_about_style(self) -> bool:
        """May this claim be filed under "about people with your style"?

        Only when attachment was measured the way this quiz measures it, in people without
        a shared diagnosis. Everything else is related research and has to say what was
        measured (:attr:`measure_phrase`).
        """
        return self.measures_self_report and not self.clinical_sample

    @property
    def measure_phrase(self) -> str:
        """Plain words for how attachment was measured ("no attachment measure")."""
        phrase = ATTACHMENT_MEASURE_PHRASES.get(self.attachment_measure, self.attachment_measure)
        return phrase[:1].upper() + phrase[1:]

    @property
    def studies_phrase(self) -> str:
        """How much research the claim rests on (a lower bound): "at least 3 studies"."""
        return "one study" if self.studies == 1 else f"at least {self.studies} studies"

    @property
    def who_phrase(self) -> str:
        """Who was studied, with the number when known: "First-time mothers (30 people)".

        Reviews and animal work have no single number; for a study of people whose number
        we did not check, say so rather than leave the reader to assume it is large.
        """
        if self.n:
            return f"{self.population} ({self.n:,} people)"
        if self.evidence_kind in {"review", "meta-analysis", "animal"}:
            return self.population
        return f"{self.population} (we have not checked how many took part)"

    @property
    def concern_labels(self) -> list[str]:
        return [GROUP_LABELS.get(group, group) for group in self.concerns]

    @property
    def strength_rank(self) -> int:
        return STRENGTHS.index(self.strength) if self.strength in STRENGTHS else len(STRENGTHS)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str


@dataclass(frozen=True)
class Rendered:
    """A Markdown body turned into safe HTML, plus what the validator needs to check it."""

    html: str
    words: int
    links: tuple[str, ...]
    images: tuple[str, ...]
    headings: tuple[Heading, ...]

    @property
    def reading_minutes(self) -> int:
        """Minutes at an unhurried 200 words a minute, never less than one."""
        return max(1, round(self.words / 200))


# eq=False: related articles point at each other, so equality and hashing are by identity.
class RenderedPage:
    """What a page with a Markdown body offers its template (articles and style pages)."""

    body: Rendered

    @property
    def html(self) -> str:
        return self.body.html

    @property
    def reading_minutes(self) -> int:
        return self.body.reading_minutes


@dataclass(frozen=True, eq=False)
class Article(RenderedPage):
    slug: str
    title: str
    summary: str
    order: int
    body: Rendered
    related_slugs: tuple[str, ...]
    claim_ids: tuple[str, ...]
    claims: list[Claim]
    references: list[Reference]
    # Filled by the loader once every article exists (articles may relate to each other).
    related: list[Article] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        return f"/articles/{self.slug}/"


@dataclass(frozen=True)
class StylePage(RenderedPage):
    style: str
    title: str
    also_called: list[str]
    summary: str
    daily_life: str
    strengths: list[str]
    growth_edges: list[str]
    next_steps: list[str]
    body: Rendered

    @property
    def url(self) -> str:
        return f"/styles/{style_slug(self.style)}/"

    @property
    def label(self) -> str:
        return GROUP_LABELS.get(self.style, self.style)

    @property
    def corner(self) -> str:
        return STYLE_CORNERS.get(self.style, "")


@dataclass(frozen=True)
class ClaimGroup:
    """Claims shown together under one heading ("About this style", "About everyone")."""

    heading: str
    claims: list[Claim]


@dataclass(frozen=True)
class Library:
    articles: list[Article]
    styles: dict[str, StylePage]
    claims: list[Claim]
    references: dict[str, Reference]

    def article(self, slug: str) -> Article:
        """The article with this slug; ``KeyError`` when there is none."""
        for article in self.articles:
            if article.slug == slug:
                return article
        raise KeyError(slug)

    def style(self, name: str) -> StylePage:
        """The page for one of the four styles; ``KeyError`` when there is none."""
        return self.styles[name]

    def claim(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)

    def claims_for_style(self, style: str) -> list[Claim]:
        """Claims that bear on people with this style, most relevant and strongest first.

        First the claims about the style itself, then (for the three insecure styles) the
        claims about insecure attachment in general, then the claims about everyone; inside
        each tier the best-supported come first, so a reader who stops early has read the
        most solid findings.
        """
        return [claim for group in self.evidence_for(style) for claim in group.claims]

    def evidence_for(self, group: str) -> list[ClaimGroup]:
        """The claims about ``group`` in relevance tiers (see :meth:`claims_for_style`).

        For a style, the claims about it are split in two: those that may be read as
        "about people with this style" (attachment measured as this quiz does it, see
        :attr:`Claim.is_about_style`) and related research that measured something else.
        Empty tiers are left out. A group that is not a style gets its own claims, then
        the claims about everyone (findings about everyone apply to mothers too).
        """
        seen: set[str] = set()
        groups: list[ClaimGroup] = []
        for heading, wanted, keep in _tiers(group):
            matching = [
                claim
                for claim in self.claims
                if claim.id not in seen and wanted in claim.concerns and keep(claim)
            ]
            matching.sort(key=lambda claim: (claim.strength_rank, claim.id))
            seen.update(claim.id for claim in matching)
            if matching:
                groups.append(ClaimGroup(heading, matching))
        return groups


def _any(claim: Claim) -> bool:
    return True


def _about_style(claim: Claim) -> bool:
    return claim.is_about_style


def _tiers(group: str) -> list[tuple[str, str, Callable[[Claim], bool]]]:
    """(heading, concerns value, filter) triples, most specific first, for evidence_for."""
    insecure = ("About insecure attachment in general", "insecure", _any)
    tiers: list[tuple[str, str, Callable[[Claim], bool]]]
    if group in STYLES:
        label = GROUP_LABELS[group].lower()
        article = "an" if label[0] in "aeiou" else "a"
        tiers = [
            (f"About people with {article} {label} style", group, _about_style),
            (f"Related research on {label} attachment (other measures)", group, _any),
        ]
        if group != "secure":
            tiers.append(insecure)
    elif group == "insecure":
        tiers = [insecure]
    else:
        tiers = [(f"About {GROUP_LABELS.get(group, group).lower()}", group, _any)]
    if group != "everyone":
        tiers.append(("About everyone", "everyone", _any))
    return tiers
