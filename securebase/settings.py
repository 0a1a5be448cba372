"""Django settings for securebase.

Everything that differs between machines comes from environment variables (see
``docs/reference/configuration.md``). The defaults are safe for a laptop: no debug pages, SQLite
in ``var/``, mail written to files. ``SECUREBASE_PRODUCTION=1`` switches on the
HTTPS-only settings that ``manage.py check --deploy`` expects and refuses to start
without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SECUREBASE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


PRODUCTION = env_bool("SECUREBASE_PRODUCTION")
DEBUG = env_bool("SECUREBASE_DEBUG") and not PRODUCTION


def _refuse_weak_secret_key(key: str) -> None:
    """Production refuses the keys Django's deploy check only warns about (W009).

    Sessions, CSRF tokens and newsletter links are signed with this key; a short, a
    placeholder or a low-variety key can be guessed or is public.
    """
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use 50+ random characters, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`'
        )


def _secret_key() -> str:
    """Read the key from the environment; outside production keep a generated one in var/.

    A generated file (mode 0600) keeps sessions valid across restarts of ``make run``
    without anyone having to invent a secret for a laptop.
    """
    key = os.environ.get("SECRET_KEY", "")
    if key and PRODUCTION:
        _refuse_weak_secret_key(key)
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SECUREBASE_PRODUCTION=1")
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when SECUREBASE_PRODUCTION=1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Public address used in mails and the report ("https://securebase.example").
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Who runs this site (footer, privacy page: the data controller) and where its source is
# (the AGPL asks that network users can get it). Empty outside production: the pages then
# say plainly that this is a development instance.
SECUREBASE_OPERATOR_NAME = os.environ.get("SECUREBASE_OPERATOR_NAME", "").strip()
SECUREBASE_OPERATOR_CONTACT = os.environ.get("SECUREBASE_OPERATOR_CONTACT", "").strip()
SECUREBASE_SOURCE_URL = os.environ.get("SECUREBASE_SOURCE_URL", "").strip()
for _name in ("SECUREBASE_OPERATOR_NAME", "SECUREBASE_OPERATOR_CONTACT", "SECUREBASE_SOURCE_URL"):
    if PRODUCTION and not globals()[_name]:
        raise ImproperlyConfigured(f"{_name} must be set when SECUREBASE_PRODUCTION=1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_q",
    "axes",
    "securebase.core",
    "securebase.quiz",
    "securebase.reports",
    "securebase.content",
    "securebase.newsletter",
    "securebase.method",
    "securebase.studies",
    "securebase.pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise and CommonMiddleware, so that static files get the CSP and the
    # privacy headers too, and so that CommonMiddleware's redirects (e.g. a result link
    # without its trailing slash) are marked private after they replace the response.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "securebase.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: refuses admin logins from a locked-out address.
    "axes.middleware.AxesMiddleware",
]

# --- Admin login throttle (django-axes) ----------------------------------------------
# Five wrong passwords from one address lock that address out of the login for an hour
# (HTTP 429). Keyed on the IP only, so nobody can lock an operator out by name; the IP
# is the one the rate limits use (trusted-proxy aware). Lockouts are listed in the admin
# ("Access attempts"); axes' own log lines name users and addresses, so only its errors
# are logged (see LOGGING).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "studies:login"
LOGIN_REDIRECT_URL = "studies:list"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "securebase.core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

ROOT_URLCONF = "securebase.urls"
WSGI_APPLICATION = "securebase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        # With no "loaders" given, Django wraps these in its cached template loader: each
        # template is read and compiled once per process.
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "securebase.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
# SQLite by default (one machine, no other service); DATABASE_URL=postgres://... at scale.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'securebase.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside one writer; IMMEDIATE takes the write lock at BEGIN,
    # so concurrent writers queue on the busy timeout instead of failing with
    # "database is locked" when a read transaction tries to upgrade.
    # Persistent connections: opening one repeats Django's set-up and the PRAGMAs above,
    # and with one connection per request the last one to close also checkpoints the WAL;
    # keeping them spares every page both (docs/research/benchmarks-web.md measures the gain).
    # Idle connections hold no lock and no transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # The test database is a file too (in the throwaway var dir), not Django's default
    # shared-cache in-memory one: that one fails concurrent writers with "database table
    # is locked" at once, so tests could not show how real concurrent visitors behave.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-securebase.sqlite3")}
    # Answers and addresses live in this file: create it readable by its owner only
    # (SQLite gives the -wal and -shm files the same mode as the database file).
    _sqlite_path = Path(DATABASES["default"]["NAME"])
    if not _sqlite_path.exists() and _sqlite_path.parent.is_dir():
        os.close(os.open(_sqlite_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, shared by every app process) -------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "securebase_cache",
        }
    }
# Rate-limit counters: a table changed only by single atomic statements, on every
# database and with or without Redis (why: securebase/core/ratelimit.py).
CACHES["ratelimit"] = {
    "BACKEND": "securebase.core.ratelimit.CounterCache",
    "LOCATION": "securebase_ratelimit",
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "securebase.core.views.rate_limited"
# Number of reverse proxies in front of the app that append to X-Forwarded-For; rate
# limits then key on the address the outermost one saw (see securebase/core/clientip.py).
SECUREBASE_TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
RATELIMIT_IP_META_KEY = "securebase.core.clientip.client_ip"
# New quiz sessions per client IP (django-ratelimit syntax, e.g. "30/m"); read by
# securebase.core.limits. Raised only for load tests from one loopback address.
SECUREBASE_QUIZ_START_RATE = os.environ.get("QUIZ_START_RATE", "")
# Flag results whose answers came faster than the statements can be read (the "too_fast"
# response-quality check). Off only where a program answers the quiz (the test suite, load
# tests), which would otherwise be flagged every time.
SECUREBASE_TIMING_CHECK = env_bool("QUIZ_TIMING_CHECK", True)

# --- Background tasks (django-q2) ---------------------------------------------------
# The ORM broker needs no other service; with REDIS_URL the queue moves to Redis.
Q_CLUSTER: dict[str, object] = {
    "name": "securebase",
    "workers": int(os.environ.get("SECUREBASE_WORKERS", "1")),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 200,
    "ack_failures": True,
    "poll": 1,
    "label": "Background tasks",
}
if env_bool("SECUREBASE_TASKS_SYNC"):
    # Tests run tasks inline; django-q2 reads this once at import, hence an env var.
    Q_CLUSTER["sync"] = True
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
# How long a report mail may stay "sending" before its worker counts as dead (see
# securebase/reports/tasks.py): longer than the task timeout (120 s, a live task is
# killed by then), shorter than the queue's retry (180 s, so a re-delivered task can
# take over). The fault tests shorten it.
SECUREBASE_REPORT_MAIL_LEASE_SECONDS = int(os.environ.get("REPORT_MAIL_LEASE_SECONDS", "150"))

# --- Email --------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_HOST must be set when SECUREBASE_PRODUCTION=1")
else:
    # On a laptop, mail goes to files in var/mail instead of a console log, so that
    # addresses and reports never end up in a terminal scroll-back or log file.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "securebase <hello@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Operators", addr) for addr in env_list("ADMIN_EMAILS")]
# Addresses on the domains reserved for documentation and testing (.example, .test) are
# refused like .localhost; the test suite alone may accept them (never in production).
SECUREBASE_EMAIL_ALLOW_TEST_DOMAINS = env_bool("EMAIL_ALLOW_TEST_DOMAINS") and not PRODUCTION

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Fingerprinted, compressed files that browsers may cache for ever (WhiteNoise).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# WhiteNoise adds "Access-Control-Allow-Origin: *" by default (for fonts served from a
# CDN). Every file here is used by our own pages only, so other sites get no such grant.
WHITENOISE_ALLOW_ALL_ORIGINS = False

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
# English only: the site has no translations.
USE_I18N = False
USE_TZ = True

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": with no-referrer browsers send `Origin: null` on
# every form POST and Django's CSRF origin check rejects them; other sites still get
# no referrer at all.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "securebase.core.views.csrf_failure"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# Database sessions, not signed cookies: logging out ends an admin session on the server
# too, where a stolen cookie-based session would outlive its logout.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Flash messages live in the session: the default cookie storage would add a "messages"
# cookie that cannot carry the __Host- prefix the session and CSRF cookies have.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer probes app hosts over plain HTTP; it must get 200/503, not 301.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # No SECURE_PROXY_SSL_HEADER: Django would believe X-Forwarded-Proto from any peer.
    # gunicorn sets the request scheme from it only for peers in FORWARDED_ALLOW_IPS
    # (gunicorn.conf.py), so only the configured proxies can say "this was HTTPS".
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins cookies to this exact host, HTTPS and path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Logging ------------------------------------------------------------------------
# Plain request/exception logging to stderr, run through a filter that drops request
# bodies and query strings, so that answers, tokens and email addresses never reach
# a log line (tests grep the logs for marker strings).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "securebase.core.logging.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
        "mail_admins": {
            "class": "securebase.core.logging.OperatorEmailHandler",
            "level": "ERROR",
            "filters": ["redact"],
            "include_html": False,
        },
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {
            "handlers": ["stderr", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django_q": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        # WeasyPrint and fontTools narrate every PDF at INFO; only problems matter.
        "weasyprint": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "securebase.core.logging.PrivateExceptionReporterFilter"

# --- Product settings ---------------------------------------------------------------
# Unfinished quiz sessions older than this are purged daily by the django-q2 worker
# (schedule from securebase/quiz/migrations/0002); `manage.py purge_unfinished_sessions`
# does the same by hand.
SECUREBASE_UNFINISHED_RETENTION_DAYS = int(os.environ.get("UNFINISHED_RETENTION_DAYS", "30"))
