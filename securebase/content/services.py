"""What the knowledge-base pages show, worked out from the library (views stay thin)."""

from __future__ import annotations

from dataclasses import dataclass

from securebase.content.entities import (
    GROUP_LABELS,
    GROUPS,
    STRENGTH_WORDS,
    STRENGTHS,
    STYLES,
    Claim,
    ClaimGroup,
    Library,
    Reference,
    StylePage,
)


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class CitedReference:
    reference: Reference
    cited_by: list[Claim]


@dataclass(frozen=True)
class EvidencePage:
    concerns: str
    """The active filter value, "" when showing every claim."""
    unknown_filter: str
    """A filter value that matched no group, echoed back so the reader knows why."""
    style_filters: list[FilterOption]
    group_filters: list[FilterOption]
    all_url: str
    groups: list[ClaimGroup]
    references: list[CitedReference]
    strengths: list[tuple[str, str]]

    @property
    def claim_count(self) -> int:
        return sum(len(group.claims) for group in self.groups)

    @property
    def concerns_label(self) -> str:
        return GROUP_LABELS.get(self.concerns, "")

    @property
    def concerns_phrase(self) -> str:
        """The active filter as words that fit "findings that bear on ..."."""
        if self.concerns in STYLES:
            return f"{GROUP_LABELS[self.concerns].lower()} attachment"
        if self.concerns == "insecure":
            return "insecure attachment in general"
        return self.concerns


def evidence_page(library: Library, concerns: str) -> EvidencePage:
    """The evidence library, optionally narrowed to one style or group of people.

    An unknown filter value shows every claim (with a note) rather than an error page:
    it most likely comes from an old or mistyped link, and the full list still helps.
    """
    active = concerns if concerns in GROUPS else ""
    if active:
        groups = library.evidence_for(active)
    else:
        groups = [ClaimGroup("All findings", list(library.claims))]

    def option(value: str) -> FilterOption:
        return FilterOption(
            value, GROUP_LABELS[value], f"/evidence/?concerns={value}", value == active
        )

    return EvidencePage(
        concerns=active,
        unknown_filter=concerns if concerns and not active else "",
        style_filters=[option(value) for value in (*STYLES, "insecure")],
        group_filters=[option(value) for value in GROUPS if value not in (*STYLES, "insecure")],
        all_url="/evidence/",
        groups=groups,
        references=cited_references(library),
        strengths=[(strength, STRENGTH_WORDS[strength]) for strength in STRENGTHS],
    )


def cited_references(library: Library) -> list[CitedReference]:
    """Every reference in APA order (first author, then year), with the claims citing it."""
    ordered = sorted(library.references.values(), key=lambda r: (r.authors.casefold(), r.year))
    return [
        CitedReference(ref, [claim for claim in library.claims if ref.id in claim.reference_ids])
        for ref in ordered
    ]


def has_direct_evidence(library: Library, style: str) -> bool:
    """Is any claim about ``style`` from a study that measured attachment as the quiz does?"""
    return any(claim.is_about_style and style in claim.concerns for claim in library.claims)


def other_styles(library: Library, style: str) -> list[StylePage]:
    """The three other style pages, in the quiz's order, for "Compare with" links."""
    return [library.styles[name] for name in STYLES if name != style and name in library.styles]


def style_pages(library: Library) -> list[StylePage]:
    return [library.styles[name] for name in STYLES if name in library.styles]
