"""The PostgreSQL harness of `make test`: a real server, the command's exit code, no leftovers."""

import re
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "throwaway_postgres.py"

PROBE = textwrap.dedent(
    """
    import os, sys, psycopg
    url = os.environ["DATABASE_URL"]
    assert url.startswith("postgres://") and "@127.0.0.1:" in url, url
    with psycopg.connect(url, autocommit=True) as db:
        print(db.execute("SELECT current_setting('fsync')").fetchone()[0])
        db.execute("CREATE DATABASE test_probe")  # pytest-django needs CREATEDB
        db.execute("DROP DATABASE test_probe")
    sys.exit(7)
    """
)


@pytest.mark.slow
def test_runs_command_against_a_real_server_and_cleans_up() -> None:
    assert shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")), (
        "PostgreSQL server binaries are missing: run `make system-deps`"
    )
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--", sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 7, result.stderr
    assert result.stdout.strip() == "off"
    match = re.search(r"on 127\.0\.0\.1:(\d+), files in (\S+) ", result.stderr)
    assert match, result.stderr
    port, root = int(match.group(1)), Path(match.group(2))
    assert not root.exists()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the server is still listening"


def test_usage_error_without_command() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr
