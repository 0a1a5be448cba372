"""docs/research/method-norms-ranges-classification.md says exactly what the code computes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from securebase.psychometrics.data import REPO_ROOT, default_data_path
from securebase.psychometrics.report import DOC_PATH, SECTIONS, doc_block, write_doc

MODEL_SECTIONS = ("norms", "ranges-model", "regions", "regions-quick", "classification")


@pytest.mark.slow
@pytest.mark.parametrize("name", MODEL_SECTIONS)
def test_doc_figures_are_the_computed_ones(name: str) -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    assert doc_block(name, text) == SECTIONS[name](), (
        f"run: .venv/bin/python -m securebase.psychometrics.report --write-doc {name}"
    )


@pytest.mark.slow
@pytest.mark.research
@pytest.mark.skipif(default_data_path() is None, reason="ECR calibration data not available")
def test_doc_figures_on_real_answers_are_the_computed_ones() -> None:
    """Runs the quick test on 3,000 real answer patterns (about a minute)."""
    text = DOC_PATH.read_text(encoding="utf-8")
    assert doc_block("ranges-real", text) == SECTIONS["ranges-real"](), (
        "run: .venv/bin/python -m securebase.psychometrics.report --write-doc ranges-real"
    )


def test_write_doc_replaces_only_the_named_blocks(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "intro\n<!-- begin:a -->\nold\n<!-- end:a -->\nmiddle\n"
        "<!-- begin:b -->\nkeep\n<!-- end:b -->\n",
        encoding="utf-8",
    )
    write_doc(doc, {"a": "new\nlines"})
    text = doc.read_text(encoding="utf-8")
    assert doc_block("a", text) == "new\nlines" and doc_block("b", text) == "keep"
    assert text.startswith("intro\n") and "\nmiddle\n" in text
    with pytest.raises(KeyError):
        write_doc(doc, {"c": "x"})


BEFORE_COMMIT = "461e28b"


def _has_commit(commit: str) -> bool:
    found = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return found.returncode == 0


@pytest.mark.slow
@pytest.mark.research
@pytest.mark.skipif(default_data_path() is None, reason="ECR calibration data not available")
@pytest.mark.skipif(not _has_commit(BEFORE_COMMIT), reason="git history not available")
def test_doc_before_figures_are_what_the_old_code_gives() -> None:
    """Reruns the quick test of commit 461e28b on the same 3,000 people (under a minute)."""
    script = REPO_ROOT / "benchmarks" / "quick_percentiles.py"
    output = subprocess.run(
        [sys.executable, str(script), "--commit", BEFORE_COMMIT],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.rstrip("\n")
    assert doc_block("ranges-before", DOC_PATH.read_text(encoding="utf-8")) == output
