"""Fixtures shared by every app's tests: a real SMTP server and a real browser.

Nothing here is a mock. ``smtp_server`` is aiosmtpd listening on loopback and the
``mail_via_smtp`` fixture points Django's SMTP backend at it; ``page`` is Debian's
Chromium driven by Playwright (no downloaded browser).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.staticfiles.finders import BaseFinder

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of the fault suite is marked ``faults``, so the fast loop can leave it out."""
    for item in items:
        if "tests/faults/" in str(item.path):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session", autouse=True)
def _collected_static(request: pytest.FixtureRequest) -> None:
    """Collect static files once: templates resolve them through the production manifest.

    The collected tree (hashed names, manifest, compressed copies) is a function of the
    source files, the storage settings and the library versions, so it is kept in pytest's
    cache under a digest of those and copied in while they stay the same: every test
    process would otherwise compress every file again before its first test.
    """
    from django.conf import settings
    from django.core.management import call_command

    static_root = Path(settings.STATIC_ROOT)
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    kept = cache.mkdir("collected-static") / _static_digest() if cache is not None else None
    if kept is not None and (kept / "staticfiles.json").is_file():
        shutil.copytree(kept, static_root, dirs_exist_ok=True)
    else:
        call_command("collectstatic", interactive=False, verbosity=0)
        if kept is not None:
            _keep_collected(static_root, kept)
    # The live server answers /static/ through the finders only (not WhiteNoise); let
    # them find the manifest's hashed names too, so browser tests load the real CSS/JS.
    settings.STATICFILES_FINDERS = [*settings.STATICFILES_FINDERS, "conftest.CollectedFinder"]


def _static_digest() -> str:
    """A digest of everything collectstatic's output depends on."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for name in ("django", "whitenoise", "brotli", "Brotli"):
        try:
            digest.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\n".encode())
    for setting in sorted(dir(settings)):
        # STATIC_ROOT is each process's own throwaway directory: where, not what.
        if setting == "STATIC_ROOT":
            continue
        if setting.startswith(("STATIC", "WHITENOISE")) or setting == "STORAGES":
            digest.update(f"{setting}={getattr(settings, setting)!r}\n".encode())
    files = {
        (type(finder).__name__, path, storage.path(path))
        for finder in get_finders()
        for path, storage in finder.list([])
    }
    for finder_name, path, full_path in sorted(files):
        digest.update(f"{finder_name}:{path}\n".encode())
        digest.update(Path(full_path).read_bytes())
    return digest.hexdigest()[:32]


def _keep_collected(static_root: Path, kept: Path) -> None:
    """Store a collected tree under its digest, replacing the trees of older digests.

    Copied beside its final place and renamed, so a concurrent test process never sees a
    half-written tree (the loser of a race just drops its copy).
    """
    partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=kept.parent))
    shutil.copytree(static_root, partial, dirs_exist_ok=True)
    try:
        partial.rename(kept)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
    for old in kept.parent.iterdir():
        if old.name != kept.name and not old.name.startswith(".partial-"):
            shutil.rmtree(old, ignore_errors=True)


class CollectedFinder(BaseFinder):
    """Finds files in STATIC_ROOT (hashed names included) for the live server's handler.

    ``list()`` is empty, so collectstatic never copies STATIC_ROOT onto itself.
    """

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        from django.conf import settings
        from django.utils._os import safe_join

        candidate = safe_join(settings.STATIC_ROOT, path)
        found = candidate if os.path.isfile(candidate) else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns: Any) -> list[Any]:
        return []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SMTPRecorder:
    """An aiosmtpd handler that keeps every message and can refuse chosen recipients.

    ``refuse(addr, code)`` answers RCPT for that address with ``code`` (e.g. 550 for a
    permanent failure, 451 for a temporary one) ``times`` times, then accepts again.
    """

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    refusals: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, address: str, code: int = 550, times: int = 1) -> None:
        with self.lock:
            self.refusals.setdefault(address.lower(), []).extend([code] * times)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            codes = self.refusals.get(address.lower())
            if codes:
                code = codes.pop(0)
                text = "Mailbox unavailable" if code >= 500 else "Try again later"
                return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until ``count`` messages have arrived (background tasks may be slower)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)}")


@dataclass
class SMTPServer:
    host: str
    port: int
    recorder: SMTPRecorder

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    recorder = SMTPRecorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SMTPServer("127.0.0.1", port, recorder)
    finally:
        controller.stop()


@pytest.fixture
def mail_via_smtp(settings: Any, smtp_server: SMTPServer) -> SMTPServer:
    """Send Django's mail through the real SMTP server above instead of the test outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


def chromium_path() -> str | None:
    for path in CHROMIUM_PATHS:
        if shutil.which(path):
            return path
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the run (Playwright never downloads a browser)."""
    executable = chromium_path()
    if executable is None:
        pytest.fail("Chromium is not installed: run `make system-deps` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) on a phone-sized screen, pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    outside: list[str] = []
    tab.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:", "about:"))
            else None
        ),
    )
    yield tab
    context.close()
    assert not outside, f"page made third-party requests: {outside}"


@pytest.fixture
def touch_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone with a touch screen (390x844, no mouse): for ``tap()`` and touch-only CSS."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def assert_accessible(page: Any) -> None:
    """Run axe-core in the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
    assert not bad, "accessibility violations:\n" + "\n".join(bad)
