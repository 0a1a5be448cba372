"""Real processes for the fault tests: a task worker that can be killed with SIGKILL, an
SMTP sink that can hold a conversation at a chosen step, and a read-only look at SQLite.

A killed worker gets no chance to clean up, exactly as after ``kill -9``, an OOM kill or
a power cut; whatever recovers afterwards must do so from the database alone.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.servers import ROOT, free_port, gunicorn_command, manage, prepare_site, site_env


def fault_site(template: Path, var_dir: Path, **extra: str) -> dict[str, str]:
    """A copy of the migrated ``template`` site in ``var_dir``; tasks go through the queue."""
    shutil.copytree(template, var_dir, symlinks=True)
    return site_env(var_dir, **{"SECUREBASE_TASKS_SYNC": "0", "EMAIL_TIMEOUT": "60", **extra})


def prepare_template(var_dir: Path) -> Path:
    """Migrate once per test run; each fault test then works on its own copy."""
    prepare_site(var_dir, site_env(var_dir))
    return var_dir


def with_smtp(env: dict[str, str], port: int) -> dict[str, str]:
    return {
        **env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
    }


@dataclass
class Worker:
    """``manage.py qcluster`` in its own process group, so SIGKILL reaches all its processes."""

    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill_9(self) -> None:
        """SIGKILL to the whole process group: master, pusher, workers, monitor."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill_9()


@contextmanager
def worker(env: dict[str, str], log_path: Path) -> Iterator[Worker]:
    running = Worker(env, log_path).start()
    try:
        yield running
    finally:
        running.stop()


@dataclass
class HoldingSMTP:
    """An aiosmtpd sink that records messages and can hold the client at RCPT or after DATA.

    ``hold_at = "rcpt"``: the client waits for the RCPT reply, nothing has been accepted.
    ``hold_at = "reply"``: the message is recorded as delivered, then the "250" reply is
    held back, which is the moment a sender cannot know whether the mail went out.
    """

    hold_at: str | None = None
    hold_on: int = 1  # hold at the n-th message (for "reply") or recipient (for "rcpt")
    recipients: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def _hold(self) -> None:
        self.holding.set()
        while self.hold_at is not None:
            await asyncio.sleep(0.05)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, _: Any
    ) -> str:
        self.recipients += 1
        if self.hold_at == "rcpt" and self.recipients >= self.hold_on:
            await self._hold()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        if self.hold_at == "reply" and len(self.messages) >= self.hold_on:
            await self._hold()
        return "250 Message accepted for delivery"

    def release(self) -> None:
        self.hold_at = None


@contextmanager
def smtp_sink(handler: HoldingSMTP) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        handler.release()
        controller.stop()


@contextmanager
def silent_smtp() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (no SMTP greeting)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


def query(database: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20) as db:
        return db.execute(sql, params).fetchall()


def wait_until(check: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or check}")


def shell(env: dict[str, str], code: str) -> str:
    """Run Python code in a fresh ``manage.py shell`` against the site; returns its stdout."""
    return manage(env, "shell", "--no-imports", "-c", code)


@dataclass
class WebTier:
    """gunicorn (master + workers) in its own process group on a fixed port."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    workers: int = 2
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebTier:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                gunicorn_command(self.port, self.workers),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._healthy, timeout=90, what="gunicorn to answer /healthz")
        return self

    def _healthy(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log_path.read_text()
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def kill_9(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill_9()
