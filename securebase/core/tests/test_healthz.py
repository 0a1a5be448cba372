"""/healthz answers for the app and its database, so a load balancer can route around it."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-store" in response["Cache-Control"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def unreachable_database(tmp_path: Path) -> Iterator[None]:
    """Swap the default connection for one the real engine cannot open.

    SQLite gets a file in a directory that does not exist; a server database gets a
    loopback port nobody listens on. The request then fails inside the real driver.
    """
    original = connections["default"]
    settings_dict = {**original.settings_dict}
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "missing-directory" / "db.sqlite3")
    else:
        settings_dict["HOST"] = "127.0.0.1"
        settings_dict["PORT"] = str(_closed_port())
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    broken = type(original)(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


def test_healthz_503_while_database_unreachable(client: Client, tmp_path: Path) -> None:
    with unreachable_database(tmp_path):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}
    assert "no-store" in response["Cache-Control"]
    assert client.get("/healthz").status_code == 200


def test_healthz_only_answers_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
