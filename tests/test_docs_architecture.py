"""docs/architecture.md names only functions, classes and files that exist.

Every backticked dotted name whose first part is ``securebase`` or one of its packages
(``quiz.services.answer_at``, ``securebase.core.privacy.private_response``,
``quiz.question_order.AdaptiveOrder.change``) is imported and looked up attribute by
attribute. Every backticked file path (``core/middleware.py``, ``tests/test_layers.py``,
``quiz/_question.html``) must exist in the repository, under ``securebase/``, or in an app's
``templates/`` or ``static/`` folder. Names of local variables (``order.change``) and URLs are
left alone.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "securebase"
PACKAGES = {"securebase"} | {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
CODE = re.compile(r"`([^`\n]+)`")
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
FILE = re.compile(r"[\w./-]+\.(?:py|html|js|css|json|md|svg|yaml|txt|j2)(?![\w.])")
#: The section that must walk the answer's path through these functions, in this order.
PATH_SECTION = "## The answer's path, function by function"
ANSWER_PATH = (
    "securebase.quiz.urls",
    "securebase.quiz.views.question",
    "securebase.quiz.forms.AnswerForm",
    "securebase.quiz.services.answer_at",
    "securebase.quiz.services._locked_session",
    "securebase.quiz.question_order.order_for",
    "securebase.quiz.services._answer_current",
    "securebase.psychometrics.AdaptiveTest.answer",
    "securebase.quiz.services._save",
    "securebase.quiz.services._step",
    "securebase.quiz.views._after_write",
    "securebase.quiz.views._render_question",
)


def backticked() -> list[str]:
    return CODE.findall(DOC.read_text(encoding="utf-8"))


def _qualified(name: str) -> str:
    return name if name.startswith("securebase.") else f"securebase.{name}"


def dotted_names() -> list[str]:
    names = []
    for span in backticked():
        for name in DOTTED.findall(span):
            if name.split(".")[0] in PACKAGES and not FILE.fullmatch(name):
                names.append(_qualified(name))
    return sorted(set(names))


def file_paths() -> list[str]:
    found = set()
    for span in backticked():
        for path in FILE.findall(span):
            if "/" in path and not path.startswith("/"):
                found.add(path)
    return sorted(found)


def resolve(name: str) -> object:
    """Import the longest module prefix of ``name``, then look the rest up attribute by attribute.

    Each part after the module must exist, so a renamed or removed function fails.
    """
    # The site's URLconf first, as Django loads it: it adds the studies' router to the API
    # before the quiz's URL module reads the API's routes.
    importlib.import_module(settings.ROOT_URLCONF)
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(name)


def _exists(path: str) -> bool:
    candidates = [ROOT / path, PACKAGE / path]
    for app in PACKAGE.iterdir():
        candidates += [app / "templates" / path, app / "static" / path]
    return any(candidate.exists() for candidate in candidates)


def test_the_doc_names_code_at_all() -> None:
    """Guards the extraction: the answer's path section yields names and files."""
    assert len(dotted_names()) > 20
    assert "securebase.quiz.services.answer_at" in dotted_names()
    assert "quiz/_question.html" in file_paths()


@pytest.mark.parametrize("name", dotted_names())
def test_every_named_function_and_class_exists(name: str) -> None:
    try:
        resolve(name)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"docs/architecture.md names `{name}`, which does not exist ({error})")


@pytest.mark.parametrize("path", file_paths())
def test_every_named_file_exists(path: str) -> None:
    assert _exists(path), f"docs/architecture.md names `{path}`, which does not exist"


def test_the_answer_s_path_is_named_function_by_function_in_order() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert PATH_SECTION in text
    section = text.split(PATH_SECTION, 1)[1].split("\n## ", 1)[0]
    named = [_qualified(name) for span in CODE.findall(section) for name in DOTTED.findall(span)]
    for step in ANSWER_PATH:
        assert step in named, f"the answer's path no longer names `{step}`"
    # The steps appear in this order (other names may come between and repeat).
    rest = iter(named)
    missing = [step for step in ANSWER_PATH if step not in rest]
    assert not missing, f"the answer's path names these steps out of order: {missing}"
