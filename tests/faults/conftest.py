import os
from pathlib import Path

import pytest

from tests.faults.procs import prepare_template


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fault suite builds its own SQLite sites and processes, whatever database the
    rest of the run uses; in the PostgreSQL pass of ``make test`` it would only repeat
    itself, so it runs once, in the SQLite pass."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="runs in the SQLite pass (its sites are SQLite files)")
    for item in items:
        if "tests/faults/" in str(item.path):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite site for the whole fault suite (each test copies it)."""
    return prepare_template(tmp_path_factory.mktemp("fault-template") / "var")
