"""Production mode passes Django's deployment checklist and refuses unsafe configuration."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every test starts manage.py (and one gunicorn) in production mode in a new process: out of
# the fast loop (make check).
pytestmark = pytest.mark.slow


def _production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECUREBASE_DEBUG",
            "SECUREBASE_TASKS_SYNC",
            "DJANGO_SETTINGS_MODULE",
            # set by tests/environment.py for the browser tests; never in deployment
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DATABASE_URL",
        }
    }
    env.update(
        {
            "SECUREBASE_PRODUCTION": "1",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "example.org",
            "EMAIL_HOST": "smtp.example.org",
            "SECUREBASE_OPERATOR_NAME": "Example Operator Ltd",
            "SECUREBASE_OPERATOR_CONTACT": "privacy@example.org",
            "SECUREBASE_SOURCE_URL": "https://example.org/securebase.git",
            "SECUREBASE_VAR_DIR": str(var_dir),
        }
    )
    env.update(overrides)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing_in_production(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (" not in output


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "EMAIL_HOST",
        "SECUREBASE_OPERATOR_NAME",
        "SECUREBASE_OPERATOR_CONTACT",
        "SECUREBASE_SOURCE_URL",
    ],
)
def test_production_refuses_to_start_without(tmp_path: Path, missing: str) -> None:
    env = _production_env(tmp_path)
    env[missing] = ""
    result = _manage(env, "check")
    assert result.returncode != 0
    assert f"{missing} must be set when SECUREBASE_PRODUCTION=1" in result.stderr
    assert not (tmp_path / "dev-secret-key").exists()


def test_production_settings_are_https_only(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    env = _production_env(
        tmp_path, SECUREBASE_DEBUG="1", DJANGO_SETTINGS_MODULE="securebase.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
    ]


def test_development_defaults_need_no_configuration(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECUREBASE_PRODUCTION",
            "SECRET_KEY",
            "DATABASE_URL",
            "EMAIL_HOST",
            "ALLOWED_HOSTS",
        }
    }
    env["SECUREBASE_VAR_DIR"] = str(tmp_path)
    result = _manage(env, "check")
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "dev-secret-key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) >= 50


@pytest.mark.parametrize(
    "weak",
    [
        "short-but-random-9f3k2",
        "a" * 64,
        "abcd" * 20,
        "django-insecure-" + secrets.token_urlsafe(50),
    ],
    # Named by kind: the random key must not be the test's id, or parallel runs disagree.
    ids=["short", "one-character", "repeated", "django-insecure"],
)
def test_production_refuses_a_weak_secret_key(tmp_path: Path, weak: str) -> None:
    result = _manage(_production_env(tmp_path, SECRET_KEY=weak), "check")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr
    assert weak not in result.stderr  # the key itself is never printed


def test_a_weak_key_is_fine_in_development(tmp_path: Path) -> None:
    env = _production_env(tmp_path, SECRET_KEY="dev")
    env.pop("SECUREBASE_PRODUCTION")
    assert _manage(env, "check").returncode == 0


PROBE = """
import django; django.setup()
from django.test import Client
client = Client(HTTP_HOST="example.org")
for path, extra in [("/healthz", {}), ("/about/", {}),
                    ("/about/", {"HTTP_X_FORWARDED_PROTO": "https"})]:
    print(path, client.get(path, **extra).status_code)
"""


def test_health_check_answers_over_plain_http_and_forwarded_proto_is_not_trusted(
    tmp_path: Path,
) -> None:
    """A load balancer probing /healthz over HTTP gets 200, not a redirect; any other page
    redirects to HTTPS, also when a client claims X-Forwarded-Proto: https (only gunicorn,
    for the peers in FORWARDED_ALLOW_IPS, may set the scheme)."""
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="securebase.settings")
    _manage(env, "migrate", "--noinput")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["/healthz 200", "/about/ 301", "/about/ 301"]


def test_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    env.pop("SECUREBASE_PRODUCTION")
    result = _manage(env, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    database = tmp_path / "securebase.sqlite3"
    assert database.stat().st_size > 0
    assert database.stat().st_mode & 0o777 == 0o600
    for journal in tmp_path.glob("securebase.sqlite3-*"):  # WAL and shared-memory files
        assert journal.stat().st_mode & 0o777 == 0o600, journal.name


@pytest.mark.parametrize(("allowed", "expected"), [("127.0.0.1", 200), ("192.0.2.1", 301)])
def test_gunicorn_believes_forwarded_proto_only_from_allowed_proxies(
    tmp_path: Path, allowed: str, expected: int
) -> None:
    """Behind the proxy (our peer is 127.0.0.1 here) "X-Forwarded-Proto: https" makes the
    request HTTPS; from any address not in FORWARDED_ALLOW_IPS it is ignored, so the page
    redirects to HTTPS as a plain HTTP request must."""
    import urllib.error
    import urllib.request

    from tests.faults.procs import WebTier

    env = _production_env(tmp_path, FORWARDED_ALLOW_IPS=allowed, ALLOWED_HOSTS="127.0.0.1")
    assert _manage(env, "migrate", "--noinput").returncode == 0
    from django.conf import settings

    (tmp_path / "static").symlink_to(settings.STATIC_ROOT, target_is_directory=True)
    web = WebTier(env, tmp_path / "gunicorn.log", workers=1).start()
    try:
        request = urllib.request.Request(
            f"{web.url}/about/", headers={"X-Forwarded-Proto": "https"}
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
    finally:
        web.stop()
    assert status == expected, (tmp_path / "gunicorn.log").read_text()[-2000:]


def _modes(var_dir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mode & 0o777 for p in var_dir.glob("securebase.sqlite3*")}


def test_an_existing_world_readable_database_is_made_private_at_start(tmp_path: Path) -> None:
    """``touch`` then ``migrate`` (or a restored copy): the existing files get 0600 too."""
    env = _production_env(tmp_path)
    env.pop("SECUREBASE_PRODUCTION")
    for suffix in ("", "-wal", "-shm"):
        stale = tmp_path / f"securebase.sqlite3{suffix}"
        stale.touch()
        stale.chmod(0o644)

    result = _manage(env, "migrate", "--noinput")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "securebase.sqlite3").stat().st_size > 0
    assert "securebase.sqlite3" in _modes(tmp_path)
    assert set(_modes(tmp_path).values()) == {0o600}, _modes(tmp_path)


def test_check_deploy_says_when_it_had_to_make_the_database_private(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    assert _manage(env, "migrate", "--noinput").returncode == 0
    (tmp_path / "securebase.sqlite3").chmod(0o644)  # e.g. restored from a backup

    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "securebase.W001" in output and "backups" in output
    assert set(_modes(tmp_path).values()) == {0o600}
