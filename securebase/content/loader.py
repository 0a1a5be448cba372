"""Read the content files into a :class:`~securebase.content.entities.Library`.

Layout of a library folder (the contract with the writer):

- ``evidence.yaml``: ``references`` and ``claims`` lists;
- ``articles/<slug>.md``: front matter + Markdown body;
- ``styles/<style>.md``: front matter + Markdown body.

The loader only refuses what it cannot turn into objects at all (unreadable YAML, a
missing or mistyped field, a duplicate reference id). Everything that is well-formed but
wrong, such as a claim citing a reference that does not exist, is loaded as-is and
reported by :func:`securebase.content.validate.validate`, so one run lists every
problem instead of the first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import frontmatter
import yaml

from securebase.content.entities import Article, Claim, Library, Reference, StylePage
from securebase.content.render import render_markdown

EVIDENCE_FILE = "evidence.yaml"
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")

REFERENCE_FIELDS = {
    "id",
    "authors",
    "year",
    "title",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "in_source",
}
CLAIM_FIELDS = {
    "id",
    "claim",
    "detail",
    "concerns",
    "direction",
    "evidence_kind",
    "attachment_measure",
    "population",
    "n",
    "studies",
    "clinical_sample",
    "strength",
    "references",
}
ARTICLE_FIELDS = {"title", "slug", "summary", "order", "related", "claims"}
STYLE_FIELDS = {
    "style",
    "title",
    "also_called",
    "summary",
    "daily_life",
    "strengths",
    "growth_edges",
    "next_steps",
}


class ContentError(Exception):
    """The content files cannot be loaded; ``problems`` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Fields:
    """Typed access to one mapping from a content file, recording problems as it goes."""

    def __init__(self, data: Any, where: str, allowed: set[str], problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        if not isinstance(data, dict):
            problems.append(f"{where}: expected a mapping of fields, got {type(data).__name__}")
            data = {}
        unknown = sorted(set(data) - allowed)
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
        self.data: dict[str, Any] = data

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problems.append(f"{self.where}: missing field '{key}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problems.append(f"{self.where}: field '{key}' must be text")
            return ""
        return str(value).strip()

    def integer(self, key: str) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(f"{self.where}: field '{key}' must be a whole number")
            return 0
        return value

    def count(self, key: str, *, nullable: bool = False) -> int | None:
        """A positive whole number; with ``nullable``, None for an explicit ``null``.

        The key itself must always be there, so a writer has to decide between a number
        and an explicit null (``n: null`` for a review) instead of forgetting the field.
        """
        if key not in self.data:
            self.problems.append(f"{self.where}: missing field '{key}'")
            return None
        value = self.data[key]
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problems.append(f"{self.where}: field '{key}' must be a positive whole number")
            return None
        return value

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(f"{self.where}: field '{key}' must be true or false")
            return default
        return value

    def text_list(self, key: str, *, required: bool = True) -> list[str]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.append(f"{self.where}: missing field '{key}'")
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problems.append(f"{self.where}: field '{key}' must be a list of text")
            return []
        return [item.strip() for item in value]


def load_library(root: Path) -> Library:
    """Parse every content file under ``root``; raise :class:`ContentError` if unreadable."""
    problems: list[str] = []
    evidence = _read_yaml(root / EVIDENCE_FILE, problems)
    references = _load_references(evidence.get("references"), problems)
    claims = _load_claims(evidence.get("claims"), references, problems)
    articles = _load_articles(root / "articles", claims, references, problems)
    styles = _load_styles(root / "styles", problems)
    if problems:
        raise ContentError(problems)
    return Library(articles=articles, styles=styles, claims=claims, references=references)


def _read_yaml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(f"{path.name}: cannot be read ({exc.strerror})")
        return {}
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: invalid YAML ({exc})")
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path.name}: expected 'references' and 'claims' at the top level")
        return {}
    return data


def _entries(value: Any, name: str, problems: list[str]) -> list[Any]:
    if not isinstance(value, list):
        problems.append(f"{EVIDENCE_FILE}: '{name}' must be a list")
        return []
    return value


def _load_references(value: Any, problems: list[str]) -> dict[str, Reference]:
    references: dict[str, Reference] = {}
    for position, entry in enumerate(_entries(value, "references", problems), start=1):
        fields = _Fields(
            entry, f"{EVIDENCE_FILE} reference #{position}", REFERENCE_FIELDS, problems
        )
        ref_id = fields.text("id")
        if ref_id:
            fields.where = f"{EVIDENCE_FILE} reference '{ref_id}'"
        reference = Reference(
            id=ref_id,
            authors=fields.text("authors"),
            year=fields.integer("year"),
            title=fields.text("title"),
            journal=fields.text("journal"),
            volume=fields.text("volume"),
            issue=fields.text("issue", required=False),
            pages=fields.text("pages"),
            doi=_normalise_doi(fields.text("doi", required=False)),
            in_source=fields.flag("in_source", default=True),
        )
        if ref_id in references:
            problems.append(f"{EVIDENCE_FILE}: duplicate reference id '{ref_id}'")
        elif ref_id:
            references[ref_id] = reference
    return references


def _normalise_doi(doi: str) -> str | None:
    """Store the bare DOI ("10.1000/xyz") whichever way the writer typed it."""
    for prefix in DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    return doi.strip() or None


def _load_claims(value: Any, references: dict[str, Reference], problems: list[str]) -> list[Claim]:
    claims: list[Claim] = []
    for position, entry in enumerate(_entries(value, "claims", problems), start=1):
        fields = _Fields(entry, f"{EVIDENCE_FILE} claim #{position}", CLAIM_FIELDS, problems)
        claim_id = fields.text("id")
        if claim_id:
            fields.where = f"{EVIDENCE_FILE} claim '{claim_id}'"
        reference_ids = tuple(fields.text_list("references"))
        claims.append(
            Claim(
                id=claim_id,
                claim=fields.text("claim"),
                detail=fields.text("detail", required=False),
                concerns=fields.text_list("concerns"),
                direction=fields.text("direction"),
                evidence_kind=fields.text("evidence_kind"),
                attachment_measure=fields.text("attachment_measure"),
                population=fields.text("population"),
                n=fields.count("n", nullable=True),
                studies=fields.count("studies") or 0,
                clinical_sample=fields.flag("clinical_sample", default=False),
                strength=fields.text("strength"),
                reference_ids=reference_ids,
                references=[references[ref] for ref in reference_ids if ref in references],
            )
        )
    return claims


def _read_markdown(path: Path, problems: list[str]) -> frontmatter.Post | None:
    try:
        # python-frontmatter parses YAML front matter with yaml.SafeLoader.
        return frontmatter.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path.parent.name}/{path.name}: cannot be read ({exc})")
    except yaml.YAMLError as exc:
        problems.append(f"{path.parent.name}/{path.name}: invalid front matter ({exc})")
    return None


def _load_articles(
    folder: Path,
    claims: list[Claim],
    references: dict[str, Reference],
    problems: list[str],
) -> list[Article]:
    claims_by_id = {claim.id: claim for claim in claims}
    articles: list[Article] = []
    for path in sorted(folder.glob("*.md")):
        post = _read_markdown(path, problems)
        if post is None:
            continue
        fields = _Fields(post.metadata, f"articles/{path.name}", ARTICLE_FIELDS, problems)
        slug = fields.text("slug")
        if slug and slug != path.stem:
            problems.append(f"articles/{path.name}: slug '{slug}' must match the file name")
        body = render_markdown(post.content)
        claim_ids = tuple(fields.text_list("claims", required=False))
        cited_claims = _unique([*claim_ids, *_anchors(body.links, "claim-")])
        article_claims = [claims_by_id[cid] for cid in cited_claims if cid in claims_by_id]
        ref_ids = _unique(
            [
                *(ref.id for claim in article_claims for ref in claim.references),
                *_anchors(body.links, "ref-"),
            ]
        )
        article_refs = sorted(
            (references[ref] for ref in ref_ids if ref in references),
            key=lambda ref: (ref.authors.casefold(), ref.year),
        )
        articles.append(
            Article(
                slug=slug or path.stem,
                title=fields.text("title"),
                summary=fields.text("summary"),
                order=fields.integer("order"),
                body=body,
                related_slugs=tuple(fields.text_list("related", required=False)),
                claim_ids=claim_ids,
                claims=article_claims,
                references=article_refs,
            )
        )
    articles.sort(key=lambda article: (article.order, article.slug))
    by_slug = {article.slug: article for article in articles}
    for article in articles:
        article.related.extend(by_slug[s] for s in article.related_slugs if s in by_slug)
    return articles


def _anchors(links: tuple[str, ...], prefix: str) -> list[str]:
    """Ids from evidence links such as ``/evidence/#claim-<id>`` (prefix ``claim-``)."""
    marker = f"/evidence/#{prefix}"
    return [link[len(marker) :] for link in links if link.startswith(marker)]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _load_styles(folder: Path, problems: list[str]) -> dict[str, StylePage]:
    styles: dict[str, StylePage] = {}
    for path in sorted(folder.glob("*.md")):
        post = _read_markdown(path, problems)
        if post is None:
            continue
        fields = _Fields(post.metadata, f"styles/{path.name}", STYLE_FIELDS, problems)
        style = fields.text("style")
        if style and style != path.stem:
            problems.append(f"styles/{path.name}: style '{style}' must match the file name")
        styles[path.stem] = StylePage(
            style=path.stem,
            title=fields.text("title"),
            also_called=fields.text_list("also_called", required=False),
            summary=fields.text("summary"),
            daily_life=fields.text("daily_life"),
            strengths=fields.text_list("strengths"),
            growth_edges=fields.text_list("growth_edges"),
            next_steps=fields.text_list("next_steps"),
            body=render_markdown(post.content),
        )
    return styles
