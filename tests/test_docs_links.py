"""Every relative link in README.md and docs/ leads to a file that exists (and its heading).

Links are Markdown ``[text](target)`` and ``![alt](target)`` outside code; web addresses
(``http:``, ``https:``, ``mailto:``) are not followed. A ``#fragment`` on a Markdown target
must name one of its headings, as GitHub turns them into anchors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
EXTERNAL = ("http://", "https://", "mailto:")


def _prose(text: str) -> str:
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links_in(path: Path) -> list[str]:
    return LINK.findall(_prose(path.read_text(encoding="utf-8")))


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for match in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE):
        slug, n = anchor(match[1]), 0
        while (candidate := slug if n == 0 else f"{slug}-{n}") in found:
            n += 1
        found.add(candidate)
    return found


def test_the_link_finder_sees_links_and_skips_code() -> None:
    sample = "[a](one.md) ![b](img/two.svg) `[c](three.md)` [d](https://x.org) [e](#here)"
    assert LINK.findall(_prose(sample)) == ["one.md", "img/two.svg", "https://x.org", "#here"]
    assert anchor("The answer's path, function by function") == (
        "the-answers-path-function-by-function"
    )
    assert anchor("Background jobs: what a crash does") == "background-jobs-what-a-crash-does"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(document: Path) -> None:
    broken = []
    for target in links_in(document):
        if target.startswith(EXTERNAL):
            continue
        path_part, _, fragment = target.partition("#")
        resolved = (document.parent / path_part).resolve() if path_part else document
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors_of(resolved):
            broken.append(f"{target} (no heading #{fragment} in {resolved.name})")
    assert not broken, f"{document.relative_to(ROOT)}: broken links: {broken}"
