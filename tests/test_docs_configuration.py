"""docs/reference/configuration.md lists exactly the environment variables the code reads.

The code is read with the ast module: every ``os.environ.get(NAME, ...)``, ``os.getenv``,
``os.environ[NAME]`` and ``env_bool`` / ``env_list`` call in ``securebase/`` (tests aside) and
``gunicorn.conf.py``. A name given as a module-level constant is resolved. Each variable must
have a row naming the file that reads it; a row whose variable is no longer read fails; a
literal default in the code must be the one the row shows.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reference" / "configuration.md"
#: Below this heading the variables are read by libraries, not by our code.
LIBRARIES_HEADING = "## Read by libraries, not by our code"
READERS = ("env_bool", "env_list")


@dataclass(frozen=True)
class Read:
    name: str
    path: str
    default: object  # a literal default, or None when there is none or it is computed


def _sources() -> list[Path]:
    code = [p for p in (ROOT / "securebase").rglob("*.py") if "tests" not in p.parts]
    return [*sorted(code), ROOT / "gunicorn.conf.py"]


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _is_env_read(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in READERS
    if isinstance(func, ast.Attribute):
        if func.attr == "get" and _is_os_environ(func.value):
            return True
        return func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"
    return False


def _literal(node: ast.expr | None, constants: dict[str, str]) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def reads_in(path: Path) -> list[Read]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }
    relative = str(path.relative_to(ROOT))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_env_read(node.func) and node.args:
            name = _literal(node.args[0], constants)
            default = _literal(node.args[1], constants) if len(node.args) > 1 else None
            if isinstance(node.func, ast.Name) and node.func.id == "env_bool" and not node.args[1:]:
                default = False
            if isinstance(name, str):
                found.append(Read(name, relative, default))
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and _is_os_environ(node.value)
        ):
            name = _literal(node.slice, constants)
            if isinstance(name, str):
                found.append(Read(name, relative, None))
    return found


def code_reads() -> list[Read]:
    return [read for path in _sources() for read in reads_in(path)]


def documented_rows() -> dict[str, dict[str, str]]:
    """Variable -> its row (default, read in) from the tables above the libraries section."""
    text = DOC.read_text(encoding="utf-8").split(LIBRARIES_HEADING, 1)[0]
    rows: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"`[A-Z][A-Z0-9_]*`", cells[0]):
            continue
        name = cells[0].strip("`")
        assert name not in rows, f"{name} is listed twice in {DOC.name}"
        rows[name] = {"default": cells[1], "read_in": cells[2]}
    return rows


def test_the_scan_finds_the_variables_it_must() -> None:
    """Guards the scanner itself: each kind of read in the code is recognised."""
    names = {read.name for read in code_reads()}
    # os.environ.get, env_bool, env_list, a constant name (psychometrics/data.py), gunicorn.
    assert {"SECRET_KEY", "SECUREBASE_PRODUCTION", "ALLOWED_HOSTS"} <= names
    assert {"SECUREBASE_ECR_DATA", "WEB_CONCURRENCY"} <= names


def test_every_variable_the_code_reads_is_documented_where_it_is_read() -> None:
    rows = documented_rows()
    for read in code_reads():
        assert read.name in rows, f"{read.name} ({read.path}) is missing from {DOC.name}"
        assert f"`{read.path}`" in rows[read.name]["read_in"], (
            f"{DOC.name} says {read.name} is read in {rows[read.name]['read_in']}, "
            f"but {read.path} reads it"
        )


def test_every_documented_variable_is_still_read() -> None:
    read = {read.name for read in code_reads()}
    stale = sorted(set(documented_rows()) - read)
    assert not stale, f"{DOC.name} lists variables no code reads any more: {stale}"


@pytest.mark.parametrize("read", code_reads(), ids=lambda read: read.name)
def test_the_documented_default_is_the_code_s(read: Read) -> None:
    row = documented_rows().get(read.name)
    if row is None:
        pytest.skip("not documented: the test above fails for it")
    shown = row["default"]
    if isinstance(read.default, bool):
        assert shown.startswith("on" if read.default else "off"), (read.name, shown)
    elif isinstance(read.default, str) and read.default:
        assert f"`{read.default}`" in shown, (read.name, read.default, shown)
