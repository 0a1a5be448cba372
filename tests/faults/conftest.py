from pathlib import Path

import pytest

from tests.faults.procs import prepare_template


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite site for the whole fault suite (each test copies it)."""
    return prepare_template(tmp_path_factory.mktemp("fault-template") / "var")
