"""The content check of ``make test``: the real library, as the writer left it.

Each rule from the issue has its own test, so a failure says which rule broke and lists
exactly what to fix.
"""

import pytest

from securebase.content import validate as checks
from securebase.content.entities import STYLES
from securebase.content.library import get_library


@pytest.fixture(scope="module")
def library():
    get_library.cache_clear()
    return get_library()


def test_every_claim_cites_at_least_one_existing_reference(library) -> None:
    assert checks.check_claims_cite_references(library) == []


def test_every_reference_is_cited(library) -> None:
    assert checks.check_references_cited(library) == []


def test_all_17_references_of_the_source_are_there_with_full_citations(library) -> None:
    assert checks.check_reference_count(library) == []
    for ref in library.references.values():
        missing = [
            name
            for name in ("authors", "title", "journal", "volume", "pages")
            if not getattr(ref, name)
        ]
        assert not missing, f"reference '{ref.id}' lacks {missing}"
        assert 1900 < ref.year < 2100, ref.id


def test_every_style_has_at_least_two_claims(library) -> None:
    assert checks.check_style_claims(library) == []
    for style in STYLES:
        assert len(library.claims_for_style(style)) >= 2


def test_no_article_or_style_page_links_to_a_missing_page(library) -> None:
    assert checks.check_links(library) == []


def test_the_whole_library_is_valid(library) -> None:
    assert checks.validate(library) == []
