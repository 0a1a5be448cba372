"""Markdown to safe HTML for the knowledge base.

"Rendered safely" means: the CommonMark parser runs with ``html=False``, so any raw HTML
in a content file is shown as text instead of reaching the page, and markdown-it's
``validateLink`` refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` URLs
(such a link stays plain text). Nothing here trusts the content files; the strict CSP
is the second line of defence.

While rendering we also collect every link, image and heading, so the validator can
check internal links without re-parsing HTML, and headings get ids for in-page anchors.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token

from securebase.content.entities import Heading, Rendered

# Words, counting "don't" and "well-known" (straight or curly apostrophe) as one.
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def _parser() -> MarkdownIt:
    # typographer: curly quotes and dashes; tables: for the occasional comparison.
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "replacements", "smartquotes"]
    )


_MD = _parser()


def is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme in {"http", "https"} or parts.netloc)


def render_markdown(text: str) -> Rendered:
    """Render one Markdown body and describe its links, images and headings."""
    tokens = _MD.parse(text)
    links: list[str] = []
    images: list[str] = []
    headings: list[Heading] = []
    used_ids: set[str] = set()
    words = 0

    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            heading_text = _plain_text(inline)
            anchor = _unique(slugify(heading_text) or "section", used_ids)
            token.attrSet("id", anchor)
            headings.append(Heading(int(token.tag[1]), heading_text, anchor))
        if token.type == "inline":
            words += len(_WORD.findall(_plain_text(token)))
            for child in token.children or []:
                _inspect_child(child, links, images)

    html = _MD.renderer.render(tokens, _MD.options, {})
    return Rendered(
        html=html,
        words=words,
        links=tuple(links),
        images=tuple(images),
        headings=tuple(headings),
    )


def _inspect_child(child: Token, links: list[str], images: list[str]) -> None:
    if child.type == "link_open":
        href = str(child.attrGet("href") or "")
        links.append(href)
        if is_external(href):
            child.attrSet("rel", "noopener noreferrer")
    elif child.type == "image":
        images.append(str(child.attrGet("src") or ""))


def _plain_text(inline: Token) -> str:
    """The readable text of an inline token (link text included, markup left out)."""
    parts = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts).strip()


def _unique(anchor: str, used: set[str]) -> str:
    candidate, number = anchor, 2
    while candidate in used:
        candidate = f"{anchor}-{number}"
        number += 1
    used.add(candidate)
    return candidate
