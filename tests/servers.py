"""Run the real site in gunicorn processes for the cross-cutting tests.

The multi-process tests (SQLite under concurrent writers, log privacy) need what
production runs: gunicorn with several workers, settings from the environment, logs on
stderr. This module prepares a throwaway var directory (migrated SQLite file, cache
table, the static files the test session already collected) and starts and always stops
the servers.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Variables of the test process that must not leak into a server under test.
NOT_INHERITED = {
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "SECUREBASE_PRODUCTION",
    "SECUREBASE_DEBUG",
    "EMAIL_HOST",
    "ADMIN_EMAILS",
    "REDIS_URL",
    "PYTEST_CURRENT_TEST",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def site_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a server or manage.py run: SQLite in ``var_dir``, tasks inline."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        {
            "SECUREBASE_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'securebase.sqlite3'}",
            # No qcluster runs beside these servers: background tasks run in the request.
            "SECUREBASE_TASKS_SYNC": "1",
            # These servers are answered by programs, in milliseconds (see settings.py).
            "QUIZ_TIMING_CHECK": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(env: Mapping[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_site(var_dir: Path, env: Mapping[str, str]) -> None:
    """Migrate a fresh SQLite file and reuse the static files collected for this test run."""
    var_dir.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    from django.conf import settings

    collected = Path(settings.STATIC_ROOT)
    if (collected / "staticfiles.json").exists():
        (var_dir / "static").symlink_to(collected, target_is_directory=True)
    else:
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def gunicorn_command(port: int, workers: int) -> list[str]:
    """The site in gunicorn with the production config, on loopback."""
    return [
        str(GUNICORN),
        "securebase.wsgi",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]


@dataclass
class AppServer:
    """One gunicorn master (with ``workers`` workers) serving the site on loopback."""

    env: dict[str, str]
    log_path: Path
    workers: int = 2
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = self.port or free_port()
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            gunicorn_command(self.port, self.workers),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready after {timeout}s:\n{self.log_path.read_text()}")

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def running_servers(
    env: dict[str, str], log_dir: Path, count: int = 1, workers: int = 2
) -> Iterator[list[AppServer]]:
    """Start ``count`` servers on one database and stop them whatever happens."""
    with ExitStack() as stack:
        servers = []
        for index in range(count):
            server = AppServer(env, log_dir / f"server-{index}.log", workers=workers)
            stack.callback(server.stop)
            server.start()
            servers.append(server)
        for server in servers:
            server.wait_ready()
        try:
            yield servers
        finally:
            for server in servers:
                server.terminate()  # all at once; the stack then waits for each


@dataclass
class Reply:
    status: int
    body: bytes
    headers: Any

    def json(self) -> Any:
        return json.loads(self.body)


def request(method: str, url: str, data: object | None = None, timeout: float = 30.0) -> Reply:
    """One HTTP request that returns error statuses instead of raising on them."""
    body = None if data is None else json.dumps(data).encode()
    req = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Reply(response.status, response.read(), response.headers)
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read(), error.headers)


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A throwaway ``redis-server`` on loopback (no persistence); yields its URL once it listens."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed: run `make system-deps` (Debian's)")
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
