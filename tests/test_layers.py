"""One direction of dependency: web apps -> services -> psychometrics, with core below every app.

Read from the source with the ast module, so a new import that runs back up fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "securebase"


def imports_of(package: str) -> dict[str, set[str]]:
    """Modules each non-test file of ``package`` imports (absolute names)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_core_imports_no_app_above_it() -> None:
    upward = {
        path: sorted(
            name
            for name in names
            if name.startswith("securebase.") and not name.startswith("securebase.core")
        )
        for path, names in imports_of("core").items()
    }
    assert {path: names for path, names in upward.items() if names} == {}


def test_psychometrics_is_pure_python() -> None:
    """No Django and no web app: it can be calibrated, tested and benchmarked on its own."""
    bad = {
        path: sorted(
            name
            for name in names
            if name.split(".")[0] == "django"
            or (name.startswith("securebase.") and not name.startswith("securebase.psychometrics"))
        )
        for path, names in imports_of("psychometrics").items()
    }
    assert {path: names for path, names in bad.items() if names} == {}


@pytest.mark.parametrize("app", ["quiz", "reports", "content", "newsletter", "method"])
def test_domain_apps_do_not_import_the_apps_built_on_them(app: str) -> None:
    """Studies and the site pages are built on the domain apps, never the other way round."""
    above = ("securebase.studies", "securebase.pages")
    bad = {
        path: sorted(name for name in names if name.startswith(above))
        for path, names in imports_of(app).items()
    }
    assert {path: names for path, names in bad.items() if names} == {}
