"""Read the generated manual from ``docs/manual/`` and turn it into page HTML.

The manual is produced offline by ``make manual`` (package :mod:`securebase.manual`, which
needs the raw data and heavy libraries); the site only reads the committed output, so
``/method/`` costs a file read and one Markdown render per process. Raw HTML in the Markdown
is disabled, so the page contains only what CommonMark generates plus the few attributes added
here: ids on chapter headings (for the contents list), figure URLs, a focusable, labelled
scroll container around each table so wide tables stay usable on a phone, and a plain cell
where a table's corner header is empty (a header cell must name something).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from markdown_it import MarkdownIt

MANUAL_DIR = Path(settings.BASE_DIR) / "docs" / "manual"
# Checked before the name becomes a file name: a name longer than the file system allows
# would make the lookup itself fail (OSError: file name too long) instead of "not found".
FIGURE_NAME = re.compile(r"[a-z0-9_]{1,64}")
_H2 = re.compile(r"<h2>(.*?)</h2>")
_IMG = re.compile(r'<img src="figures/([a-z0-9_]+)\.svg"')
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_EMPTY_HEADER = re.compile(r"<th></th>|<th class=\"num\"></th>")


@dataclass(frozen=True)
class Chapter:
    """One entry of the contents list."""

    anchor: str
    title: str


@dataclass(frozen=True)
class Manual:
    """The rendered manual: its title, contents, body HTML and whether a PDF exists."""

    title: str
    chapters: tuple[Chapter, ...]
    body: str
    has_pdf: bool


def figure_path(name: str) -> Path | None:
    """The SVG file of a figure, or ``None`` for an unknown or malformed name."""
    if not FIGURE_NAME.fullmatch(name):
        return None
    path = MANUAL_DIR / "figures" / f"{name}.svg"
    return path if path.is_file() else None


def pdf_path() -> Path | None:
    """The manual's PDF, or ``None`` if it has not been built."""
    path = MANUAL_DIR / "manual.pdf"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def manual() -> Manual | None:
    """The manual as page parts, or ``None`` if ``docs/manual/manual.md`` is missing."""
    source = MANUAL_DIR / "manual.md"
    if not source.is_file():
        return None
    html = (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .render(source.read_text(encoding="utf-8"))
    )
    title_match = re.search(r"<h1>(.*?)</h1>\n?", html)
    title = title_match.group(1) if title_match else "Technical manual"
    if title_match:
        html = html.replace(title_match.group(0), "", 1)
    chapters: list[Chapter] = []

    def heading(match: re.Match[str]) -> str:
        anchor = f"chapter-{len(chapters) + 1}"
        chapters.append(Chapter(anchor, match.group(1)))
        return f'<h2 id="{anchor}">{match.group(1)}</h2>'

    html = _H2.sub(heading, html)
    # CommonMark tables align columns with style attributes, which the CSP forbids: use classes.
    html = html.replace(' style="text-align:right"', ' class="num"')
    html = html.replace(' style="text-align:left"', "")
    html = _EMPTY_HEADER.sub("<td></td>", html)
    figures = reverse("method_figure", args=["NAME"]).replace("NAME", "{}")
    html = _IMG.sub(lambda m: f'<img src="{figures.format(m.group(1))}"', html)
    counter = iter(range(1, 1000))
    html = _TABLE.sub(
        lambda m: (
            f'<div class="method-table" role="region" tabindex="0" '
            f'aria-label="Table {next(counter)}"><table>{m.group(1)}</table></div>'
        ),
        html,
    )
    return Manual(title, tuple(chapters), html, pdf_path() is not None)
