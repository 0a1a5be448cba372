"""What a reader sees of a rendered report, and how hard it is to read (Flesch-Kincaid grade).

``visible_text`` keeps the words a person reads or hears from a screen reader (the chart's
title and description included) and leaves out scripts, styles, the head, and the elements
marked with :data:`~securebase.reports.plain_words.STATISTICS_MARKER` (the "How sure is
this?" detail). Blocks end with a line break so a heading or a list item is never glued to
the next sentence.

``reading_grade`` is the Flesch-Kincaid grade level, 0.39 x words per sentence + 11.8 x
syllables per word - 15.59, with syllables counted by pyphen's English hyphenation
dictionary (the method older textstat releases use; the newest textstat downloads a
pronunciation dictionary at run time, which fails offline).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pyphen

from securebase.reports.plain_words import STATISTICS_MARKER

_HIDDEN = {"script", "style", "head", "template"}
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_BLOCKS = {
    "p", "li", "ul", "ol", "div", "section", "header", "footer", "h1", "h2", "h3", "h4",
    "h5", "h6", "tr", "td", "th", "summary", "details", "figcaption", "title", "desc",
    "table", "article", "nav", "main", "label", "button", "text",
}  # fmt: skip


class _Visible(HTMLParser):
    def __init__(self, *, keep_statistics: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_statistics = keep_statistics
        self.parts: list[str] = []
        self.skip_depth = 0
        self.stack: list[bool] = []
        self.statistics_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        hidden = tag in _HIDDEN or (
            not self.keep_statistics and any(name == STATISTICS_MARKER for name, _ in attrs)
        )
        if any(name == STATISTICS_MARKER for name, _ in attrs):
            self.statistics_tags.append(tag)
        self.stack.append(hidden)
        self.skip_depth += hidden
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.stack:
            return
        self.skip_depth -= self.stack.pop()
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def parse(html: str, *, keep_statistics: bool = False) -> _Visible:
    parser = _Visible(keep_statistics=keep_statistics)
    parser.feed(html)
    parser.close()
    return parser


def visible_text(html: str, *, keep_statistics: bool = False) -> str:
    """The text a reader meets, one block per line, spaces collapsed."""
    text = "".join(parse(html, keep_statistics=keep_statistics).parts)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def statistics_tags(html: str) -> list[str]:
    """The tag names of the elements marked as the "How sure is this?" detail."""
    return parse(html).statistics_tags


_DICTIONARY = pyphen.Pyphen(lang="en_US")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def syllables(word: str) -> int:
    return len(_DICTIONARY.positions(word.lower())) + 1


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` (a line break also ends a sentence)."""
    sentences = [part for part in _SENTENCE_END.split(text) if _WORD.search(part)]
    words = _WORD.findall(text)
    if not words:
        return 0.0
    syllable_count = sum(syllables(word) for word in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllable_count / len(words) - 15.59
