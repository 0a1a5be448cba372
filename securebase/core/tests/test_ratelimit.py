"""Rate-limit counters: exact under concurrency, across processes, on SQLite and PostgreSQL.

The concurrency tests start real Python processes on the test database (committed data,
``transaction=True``) and release them at the same instant, as simultaneous requests to
several gunicorn workers would arrive. With Django's ``DatabaseCache`` (a read and a
write per ``incr``) the same tests count fewer hits than were made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from securebase.core.ratelimit import CounterCache, counters

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = 4
HITS_PER_PROCESS = 25

# Each worker process waits for the common start time, then counts as fast as it can.
WORKER = """
import json, os, sys, time
import django
django.setup()
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited
from securebase.core.ratelimit import counters
start, mode, n = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
while time.time() < start:
    time.sleep(0.001)
out = []
for _ in range(n):
    if mode == "hit":
        out.append(counters().hit("burst", timeout=600))
    else:
        request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
        out.append(is_ratelimited(request, group="burst", key="ip", rate="20/h",
                                  method=is_ratelimited.ALL, increment=True))
print(json.dumps(out))
"""


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@"
    return f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _burst(mode: str) -> list[object]:
    """Run the worker in PROCESSES processes at once; all their results, in one list."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update({"DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "securebase.settings"})
    start = time.time() + 4  # every process is up and connected by then
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(start), mode, str(HITS_PER_PROCESS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results: list[object] = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.extend(json.loads(out))
    return results


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_simultaneous_hits_from_several_processes_are_all_counted() -> None:
    counts = _burst("hit")

    total = PROCESSES * HITS_PER_PROCESS
    assert sorted(counts) == list(range(1, total + 1))  # every hit saw its own count
    assert counters().get("burst") == total


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_limit_of_20_lets_exactly_20_through_a_burst_across_processes() -> None:
    limited = _burst("ratelimit")

    assert len(limited) == PROCESSES * HITS_PER_PROCESS
    assert limited.count(False) == 20


@pytest.mark.django_db
def test_add_wins_once_and_incr_needs_a_live_counter() -> None:
    cache = counters()
    assert cache.add("k", 1, 60) is True
    assert cache.add("k", 1, 60) is False
    assert cache.incr("k") == 2
    assert cache.incr("k", 5) == 7
    assert cache.get("k") == 7
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    assert cache.get("missing", 0) == 0


@pytest.mark.django_db
def test_an_expired_counter_starts_again() -> None:
    cache = counters()
    cache.set("old", 9, 60)
    assert cache.hit("window", timeout=60) == 1
    assert cache.hit("window", timeout=60) == 2
    _expire_everything()

    assert cache.get("old") is None
    with pytest.raises(ValueError):
        cache.incr("old")
    assert cache.add("old", 1, 60) is True  # an expired row does not block a new window
    assert cache.hit("window", timeout=60) == 1
    assert cache.purge_expired() == 0  # both rows were renewed
    _expire_everything()
    assert cache.purge_expired() == 2


@pytest.mark.django_db
def test_only_integers_are_stored() -> None:
    with pytest.raises(TypeError):
        counters().set("k", "text", 60)
    with pytest.raises(TypeError):
        counters().add("k", True, 60)


def test_rate_limits_use_the_counter_cache_whatever_the_default_cache() -> None:
    from django.core.cache import caches

    assert isinstance(caches[settings.RATELIMIT_USE_CACHE], CounterCache)


def _expire_everything() -> None:
    cache = counters()
    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET expires = %s",  # noqa: S608 - quoted table name
            [connection.ops.adapt_datetimefield_value(datetime.now(UTC) - timedelta(seconds=1))],
        )
