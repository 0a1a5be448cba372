"""The site's knowledge base, parsed once per process.

Other apps (the report, the PDF, the emails) import from here only:

    from securebase.content.library import get_library
    library = get_library()
    library.style("anxious").summary
    library.claims_for_style("anxious")

The content files sit next to this module in ``library/`` (Markdown and YAML written by
people, reviewed like code). They change only with a deploy, so parsing them once per
process is both correct and the fastest option; ``get_library.cache_clear()`` is the
hook for tests that need a fresh read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from securebase.content.entities import (
    GROUPS,
    STYLES,
    Article,
    Claim,
    ClaimGroup,
    Library,
    Reference,
    StylePage,
)
from securebase.content.loader import ContentError, load_library

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

__all__ = [
    "GROUPS",
    "LIBRARY_DIR",
    "STYLES",
    "Article",
    "Claim",
    "ClaimGroup",
    "ContentError",
    "Library",
    "Reference",
    "StylePage",
    "get_library",
    "load_library",
]


@lru_cache(maxsize=1)
def get_library() -> Library:
    """The site's library; raises :class:`ContentError` if the files cannot be parsed."""
    return load_library(LIBRARY_DIR)
