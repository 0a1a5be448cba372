"""Check that the knowledge base is complete and internally consistent.

Run by ``manage.py load_content`` (so ``make run`` refuses broken content) and by the
content check in ``make test``. Each problem is one readable line that names the file
or id to fix, because the people fixing content are writers, not programmers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from django.urls import Resolver404, resolve

from securebase.content.entities import (
    ATTACHMENT_MEASURE_PHRASES,
    DISPUTED_MEASURE_KINDS,
    ESTABLISHED_MIN_STUDIES,
    EVIDENCE_KIND_WORDS,
    GROUPS,
    LARGE_STUDY_N,
    RENAMED_STYLES,
    STRENGTHS,
    STYLE_BY_SLUG,
    STYLES,
    Claim,
    Library,
    Rendered,
    style_slug,
)
from securebase.content.render import is_external

EXPECTED_REFERENCES = 17
MIN_CLAIMS_PER_STYLE = 2
DIRECTIONS = ("positive", "negative", "mixed", "depends")


# Phrases that lean on a neighbouring claim. Claims are shown filtered, one by one, in
# reports and PDFs, so each must stand alone. Matched case-insensitively in claim and detail.
BACK_REFERENCE_PHRASES = (
    "same study",
    "same experiment",
    "same sample",
    "same participants",
    "same mothers",
    "same couples",
    "same group",
    "that study",
    "this study",
    "that experiment",
    "this experiment",
    "in the same",
    "these participants",
    "those participants",
    "by contrast",
    "as above",
    "the study above",
    "the previous",
)

STYLE_SECTIONS = (
    "Where it may come from",
    "How it shows in adult relationships",
    "Strengths",
    "Growth edges",
)

# Where a style page interprets a result: the front-matter paragraph and lists that the
# result page, the PDF and the mail show ("What it means day to day", strengths, growth
# edges) and the body sections of the same names. Each sentence there needs a basis.
INTERPRETIVE_FIELDS = ("daily_life", "strengths", "growth_edges")
INTERPRETIVE_SECTIONS = ("Strengths", "Growth edges")
# A sentence has a basis when it links to an evidence claim (only possible in the Markdown
# body: the front matter is shown as plain text) or when it reports what people in the
# pattern say about themselves: a word for "how many or how often" followed, later in the
# same sentence, by a verb of saying. "People with this pattern often describe ...", "Many
# say ..." pass; "You are calm in a crisis" does not.
CLAIM_LINK = re.compile(r'href="/evidence/#claim-[^"]+"')
DESCRIBED_WORDING = re.compile(
    r"\b(?:often|many|some|most|usually|commonly)\b.*?"
    r"\b(?:describe[sd]?|say|says|said|report(?:s|ed)?|tells?|mention(?:s|ed)?)\b",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|blockquote|h[1-6])\b[^>]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+")
_TAG = re.compile(r"<[^>]+>")


def validate(library: Library, *, expected_references: int = EXPECTED_REFERENCES) -> list[str]:
    """Every problem found in ``library``; an empty list means the content is fine.

    ``expected_references`` is the size of the source's reference list (17); the unit
    tests pass their own fixture's count.
    """
    return [
        *check_claims_cite_references(library),
        *check_references_cited(library),
        *check_reference_count(library, expected_references),
        *check_style_claims(library),
        *check_enumerations(library),
        *check_strength_rule(library),
        *check_back_references(library),
        *check_duplicates(library),
        *check_articles(library),
        *check_style_pages(library),
        *check_interpretation_basis(library),
        *check_links(library),
    ]


def check_claims_cite_references(library: Library) -> list[str]:
    problems = []
    for claim in library.claims:
        if not claim.reference_ids:
            problems.append(f"claim '{claim.id}' cites no reference")
        for ref_id in claim.reference_ids:
            if ref_id not in library.references:
                problems.append(f"claim '{claim.id}' cites missing reference '{ref_id}'")
    return problems


def check_references_cited(library: Library) -> list[str]:
    cited = {ref_id for claim in library.claims for ref_id in claim.reference_ids}
    return [
        f"reference '{ref_id}' is not cited by any claim"
        for ref_id in library.references
        if ref_id not in cited
    ]


def check_reference_count(library: Library, expected: int = EXPECTED_REFERENCES) -> list[str]:
    """All the source article's references are there (later additions say in_source: false)."""
    count = sum(1 for ref in library.references.values() if ref.in_source)
    if count != expected:
        return [f"expected the source's {expected} references, found {count}"]
    return []


def check_style_claims(library: Library) -> list[str]:
    problems = []
    for style in STYLES:
        direct = [claim for claim in library.claims if style in claim.concerns]
        if len(direct) < MIN_CLAIMS_PER_STYLE:
            problems.append(
                f"style '{style}' has {len(direct)} claim(s) about it; "
                f"at least {MIN_CLAIMS_PER_STYLE} are needed"
            )
    return problems


def check_enumerations(library: Library) -> list[str]:
    problems = []
    for claim in library.claims:
        where = f"claim '{claim.id}'"
        if not claim.concerns:
            problems.append(f"{where} does not say whom it concerns")
        problems += _not_in(where, "concerns", claim.concerns, GROUPS)
        problems += _not_in(where, "direction", [claim.direction], DIRECTIONS)
        problems += _not_in(
            where, "evidence_kind", [claim.evidence_kind], tuple(EVIDENCE_KIND_WORDS)
        )
        problems += _not_in(
            where,
            "attachment_measure",
            [claim.attachment_measure],
            tuple(ATTACHMENT_MEASURE_PHRASES),
        )
        problems += _not_in(where, "strength", [claim.strength], STRENGTHS)
    return problems


def strength_allowed(claim: Claim) -> str:
    """The strongest label the claim's own fields support.

    established: a meta-analysis, or at least ESTABLISHED_MIN_STUDIES independent studies;
    suggestive: at least two studies, or one study of at least LARGE_STUDY_N people, unless
    that one study's measure is itself disputed (DISPUTED_MEASURE_KINDS: oxytocin read from
    blood or saliva), where a large sample only measures a doubtful number more often;
    tentative: anything else, in particular one small study or one of unknown size.
    """
    if claim.evidence_kind == "meta-analysis" or claim.studies >= ESTABLISHED_MIN_STUDIES:
        return "established"
    if claim.studies >= 2:
        return "suggestive"
    large = claim.n is not None and claim.n >= LARGE_STUDY_N
    if large and claim.evidence_kind not in DISPUTED_MEASURE_KINDS:
        return "suggestive"
    return "tentative"


def check_strength_rule(library: Library) -> list[str]:
    """A label may be weaker than the evidence allows, never stronger."""
    problems = []
    for claim in library.claims:
        allowed = strength_allowed(claim)
        if claim.strength in STRENGTHS and claim.strength_rank < STRENGTHS.index(allowed):
            size = f"n = {claim.n}" if claim.n is not None else "size not given"
            problems.append(
                f"claim '{claim.id}' is labelled {claim.strength}, but its evidence "
                f"({claim.studies} stud{'y' if claim.studies == 1 else 'ies'}, "
                f"{claim.evidence_kind}, {size}) allows at most {allowed}"
            )
    return problems


def back_reference(text: str) -> str | None:
    """The first back-reference phrase in ``text``, or None."""
    lowered = text.casefold()
    return next((phrase for phrase in BACK_REFERENCE_PHRASES if phrase in lowered), None)


def check_back_references(library: Library) -> list[str]:
    problems = []
    for claim in library.claims:
        for field, text in (("claim", claim.claim), ("detail", claim.detail)):
            phrase = back_reference(text)
            if phrase:
                problems.append(
                    f"claim '{claim.id}': {field} leans on another claim ({phrase!r}); "
                    "every claim must stand alone"
                )
    return problems


def _not_in(where: str, field: str, values: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    return [
        f"{where}: {field} '{value}' is not one of {', '.join(allowed)}"
        for value in values
        if value not in allowed
    ]


def check_duplicates(library: Library) -> list[str]:
    """Duplicate claim ids or article slugs (reference ids are refused by the loader)."""
    problems = []
    for kind, ids in (
        ("claim id", [claim.id for claim in library.claims]),
        ("article slug", [article.slug for article in library.articles]),
    ):
        problems += [f"duplicate {kind} '{key}'" for key, n in Counter(ids).items() if n > 1]
    return problems


def check_articles(library: Library) -> list[str]:
    claim_ids = {claim.id for claim in library.claims}
    slugs = {article.slug for article in library.articles}
    problems = []
    if not library.articles:
        problems.append("there are no articles")
    for article in library.articles:
        where = f"article '{article.slug}'"
        problems += [
            f"{where} lists missing claim '{claim_id}'"
            for claim_id in article.claim_ids
            if claim_id not in claim_ids
        ]
        problems += [
            f"{where} is related to missing article '{slug}'"
            for slug in article.related_slugs
            if slug not in slugs
        ]
        if article.slug in article.related_slugs:
            problems.append(f"{where} lists itself as related")
        if not article.claim_ids:
            # Every article has to show where its facts come from (issue: "each article
            # and style page links claims to their entries").
            problems.append(f"{where} links no evidence claims")
    return problems


def check_style_pages(library: Library) -> list[str]:
    problems = []
    for style in STYLES:
        if style not in library.styles:
            problems.append(f"style page 'styles/{style}.md' is missing")
            continue
        headings = {h.text for h in library.styles[style].body.headings if h.level == 2}
        problems += [
            f"style page '{style}' lacks the section '## {section}'"
            for section in STYLE_SECTIONS
            if section not in headings
        ]
    problems += [
        f"style page 'styles/{name}.md' is not one of the four styles"
        for name in library.styles
        if name not in STYLES
    ]
    return problems


def sentences(text: str) -> list[str]:
    """The sentences of a plain string or an HTML fragment (block tags end a sentence)."""
    found = []
    for block in _BLOCK_TAG.split(text):
        found += [part.strip() for part in _SENTENCE_END.split(block) if part.strip()]
    return found


def has_basis(sentence: str) -> bool:
    """Is the sentence cited (links to an evidence claim) or worded as what people describe?"""
    if CLAIM_LINK.search(sentence):
        return True
    return bool(DESCRIBED_WORDING.search(_TAG.sub("", sentence)))


def section_html(body: Rendered, heading: str) -> str:
    """The HTML under a level-2 heading, up to the next level-2 heading."""
    anchors = [h.id for h in body.headings if h.level == 2 and h.text == heading]
    if not anchors:
        return ""
    start = body.html.find(f'<h2 id="{anchors[0]}">')
    start = body.html.find("</h2>", start) + len("</h2>")
    end = body.html.find("<h2", start)
    return body.html[start : end if end != -1 else len(body.html)]


def check_interpretation_basis(library: Library) -> list[str]:
    """Strengths, growth edges and day-to-day sentences are cited or say what people describe.

    Interpretive text must not claim an ability without evidence: a sentence either links
    to an evidence claim or is worded as what people in the pattern often describe or say.
    """
    problems = []
    for style, page in library.styles.items():
        places: list[tuple[str, str]] = []
        for field in INTERPRETIVE_FIELDS:
            value = getattr(page, field)
            places += [(field, item) for item in ([value] if isinstance(value, str) else value)]
        places += [
            (f"section '## {heading}'", section_html(page.body, heading))
            for heading in INTERPRETIVE_SECTIONS
        ]
        for where, text in places:
            problems += [
                f"style page '{style}': {where} sentence {_TAG.sub('', sentence)!r} is neither "
                "cited (a link to an evidence claim) nor worded as what people often describe "
                "or say"
                for sentence in sentences(text)
                if not has_basis(sentence)
            ]
    return problems


def check_links(library: Library) -> list[str]:
    """Every internal link in every article and style page leads somewhere that exists."""
    documents: list[tuple[str, Rendered]] = [
        *((f"article '{a.slug}'", a.body) for a in library.articles),
        *((f"style page '{s.style}'", s.body) for s in library.styles.values()),
    ]
    problems = []
    for where, body in documents:
        for href in body.links:
            problem = link_problem(library, href, body)
            if problem:
                problems.append(f"{where} links to {href!r}: {problem}")
        for src in body.images:
            if is_external(src):
                problems.append(f"{where} shows an image from another site: {src!r}")
    return problems


def link_problem(library: Library, href: str, body: Rendered) -> str | None:
    """Why ``href`` (found in ``body``) is broken, or None when it resolves."""
    if is_external(href) or href.startswith("mailto:"):
        return None
    parts = urlsplit(href)
    if not parts.path:
        if parts.fragment and parts.fragment not in {h.id for h in body.headings}:
            return "no heading on this page has that anchor"
        return None
    if not parts.path.startswith("/"):
        return "internal links must start with '/'"
    if parts.path == "/evidence/":
        return _evidence_link_problem(library, parts.fragment, parts.query)
    if parts.path.startswith("/articles/") and parts.path != "/articles/":
        slug = parts.path.removeprefix("/articles/").rstrip("/")
        if slug not in {article.slug for article in library.articles}:
            return "there is no such article"
        headings = {h.id for h in library.article(slug).body.headings}
        if parts.fragment and parts.fragment not in headings:
            return "that article has no heading with this anchor"
        return None
    if parts.path.startswith("/styles/") and parts.path != "/styles/":
        style = parts.path.removeprefix("/styles/").rstrip("/")
        if style in RENAMED_STYLES:
            return f"the page's address is /styles/{style_slug(style)}/"
        return None if STYLE_BY_SLUG.get(style, style) in STYLES else "there is no such style"
    try:
        resolve(parts.path)
    except Resolver404:
        return "no page of the site answers at this address"
    return None


def _evidence_link_problem(library: Library, fragment: str, query: str) -> str | None:
    concerns = parse_qs(query).get("concerns", [])
    if any(value not in GROUPS for value in concerns):
        return "the evidence library has no such filter"
    if fragment.startswith("claim-"):
        claim_ids = {claim.id for claim in library.claims}
        return None if fragment.removeprefix("claim-") in claim_ids else "no such claim"
    if fragment.startswith("ref-"):
        return None if fragment.removeprefix("ref-") in library.references else "no such reference"
    if fragment and fragment not in {"claims", "references", "strength"}:
        return "the evidence page has no such anchor"
    return None
