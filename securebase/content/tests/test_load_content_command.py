"""``manage.py load_content``: one line when the content is fine, every problem when not."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from securebase.content import library as library_module
from securebase.content.library import get_library
from securebase.content.tests.conftest import claim_by_id, edit_evidence


def test_reports_a_summary_of_the_real_library() -> None:
    out = StringIO()
    call_command("load_content", stdout=out)
    library = get_library()
    assert out.getvalue().strip() == (
        f"Content OK: {len(library.articles)} articles, 4 style pages, "
        f"{len(library.claims)} claims, {len(library.references)} references "
        "(17 from the source article)."
    )


@pytest.fixture
def broken_library(library_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(library_module, "LIBRARY_DIR", library_dir)
    yield library_dir
    get_library.cache_clear()


def test_fails_and_lists_every_problem(broken_library: Path) -> None:
    edit_evidence(
        broken_library,
        lambda data: claim_by_id(data, "about-couples")["references"].append("nobody2020"),
    )
    with pytest.raises(CommandError) as error:
        call_command("load_content")
    message = str(error.value)
    assert "The knowledge base has problems (2):" in message
    assert "  - claim 'about-couples' cites missing reference 'nobody2020'" in message
    assert "  - expected the source's 17 references, found 3" in message


def test_fails_on_unreadable_files(broken_library: Path) -> None:
    (broken_library / "evidence.yaml").write_text("claims: {\n")
    with pytest.raises(CommandError, match="cannot be loaded"):
        call_command("load_content")
