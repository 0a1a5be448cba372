"""Loaded by pytest before Django starts (``-p tests.environment`` in pyproject.toml).

Settings are read from the environment at import time, so the test environment has to
be in place before anything imports them: a throwaway var/ directory, and background
tasks that run inline so a test sees their effect without a worker process.
"""

import os
import tempfile

if "PYTEST_XDIST_WORKER" in os.environ:
    # Each process of `pytest -n` (make check) collects static files and keeps its SQLite
    # database in its own directory; the one inherited from the controller would be shared.
    worker = os.environ["PYTEST_XDIST_WORKER"]
    os.environ["SECUREBASE_VAR_DIR"] = tempfile.mkdtemp(prefix=f"securebase-test-{worker}-")
else:
    os.environ.setdefault("SECUREBASE_VAR_DIR", tempfile.mkdtemp(prefix="securebase-test-"))
os.environ.setdefault("SECUREBASE_TASKS_SYNC", "1")
os.environ.pop("SECUREBASE_PRODUCTION", None)
# Test addresses may use the domains reserved for testing (name@mail.example).
os.environ.setdefault("EMAIL_ALLOW_TEST_DOMAINS", "1")
# Tests answer in milliseconds; the tests of the timing check switch it on themselves.
os.environ.setdefault("QUIZ_TIMING_CHECK", "0")
# Playwright's sync API keeps an event loop running in the test thread; Django's
# async-safety guard would then refuse the test's own ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
