"""A small on-disk cache of analysis results, so an unchanged stage is not recomputed.

Each stage's result is stored under ``var/manual-cache/`` (not committed) keyed by a hash of
everything it depends on: the data file's bytes, the bank file's bytes when the stage uses the
bank, the source code of the modules that compute it, and the versions of the libraries that do
the work. A fresh clone has no cache and computes everything; a rebuild after a bank change
recomputes only the stages that read the bank. Results are JSON, the same values that go into
``numbers.json``, so a cached build is byte-identical to an uncached one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any

from securebase.psychometrics.data import REPO_ROOT

CACHE_DIR = REPO_ROOT / "var" / "manual-cache"
LIBRARIES = ("numpy", "scipy", "statsmodels", "semopy", "factor-analyzer", "mirt", "scikit-learn")


def _library_versions() -> str:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            versions.append(f"{name}=absent")
    return ";".join(versions)


def stage_key(name: str, files: Iterable[Path], modules: Iterable[ModuleType]) -> str:
    """Hash of a stage's name, input files, module sources and library versions."""
    digest = hashlib.sha256(name.encode())
    for path in files:
        digest.update(Path(path).read_bytes())
    for module in modules:
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(_library_versions().encode())
    return digest.hexdigest()[:24]


def cached(key: str, compute: Callable[[], Any], directory: Path = CACHE_DIR) -> Any:
    """The stored result for ``key``, or ``compute()`` stored as JSON and returned."""
    path = directory / f"{key}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    value = json.loads(json.dumps(compute()))
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")
    return value
