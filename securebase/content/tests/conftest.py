"""Helpers for the knowledge-base tests: a private, editable copy of the fixture library."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

FIXTURE_LIBRARY = Path(__file__).resolve().parent / "fixtures" / "library"
FIXTURE_REFERENCES = 3


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """A copy of the fixture library that a test may break without touching the original."""
    target = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, target)
    return target


def edit_evidence(root: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to the parsed evidence.yaml under ``root`` and write it back."""
    path = root / "evidence.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_article(root: Path, name: str, body: str, **front: Any) -> None:
    """Add ``articles/<name>.md``; ``front`` overrides the default front matter."""
    meta = {"title": name.title(), "slug": name, "summary": "S.", "order": 9}
    meta["claims"] = ["about-couples"]
    meta.update(front)
    text = "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n" + body
    (root / "articles" / f"{name}.md").write_text(text, encoding="utf-8")


def claim_by_id(data: dict[str, Any], claim_id: str) -> dict[str, Any]:
    return next(claim for claim in data["claims"] if claim["id"] == claim_id)
