"""With REDIS_URL set, the shared cache and the task queue move to a real Redis server.

Several app processes must agree on rate-limit counts (the cache) and hand background
work to any worker (the queue); on one machine the database does both, at scale Redis
does. Both paths are exercised here against a throwaway ``redis-server``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ROOT, manage, prepare_site, redis_server, site_env

# Starts redis-server and app and worker processes: out of the fast loop (make check).
pytestmark = pytest.mark.slow


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    try:
        with redis_server(tmp_path) as url:
            yield url
    except RuntimeError as missing:
        pytest.fail(str(missing))


def test_cache_is_shared_between_processes(tmp_path: Path, redis_url: str) -> None:
    env = site_env(tmp_path / "var", REDIS_URL=redis_url)
    (tmp_path / "var").mkdir()
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.core.cache import cache; cache.set('shared-key', 'from process one', 60)",
    )
    out = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; from django.core.cache import cache; "
        "print(settings.CACHES['default']['BACKEND']); print(cache.get('shared-key')); "
        "print(settings.CACHES[settings.RATELIMIT_USE_CACHE]['BACKEND'])",
    )
    # Rate-limit counters stay in the database: RedisCache.incr is not atomic (see
    # securebase/core/ratelimit.py).
    assert out.split("\n")[:3] == [
        "django.core.cache.backends.redis.RedisCache",
        "from process one",
        "securebase.core.ratelimit.CounterCache",
    ]


def test_background_task_goes_through_redis_to_a_worker(tmp_path: Path, redis_url: str) -> None:
    var = tmp_path / "var"
    env = site_env(var, REDIS_URL=redis_url, SECUREBASE_TASKS_SYNC="0")
    prepare_site(var, env)
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        out = manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from django_q.brokers import get_broker; from django_q.tasks import async_task, "
            "result; print(type(get_broker()).__name__); "
            "task = async_task('securebase.quiz.tasks.purge_unfinished_sessions'); "
            "print(result(task, wait=30000))",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    # The broker is Redis, and a separate worker process ran the task (0 sessions purged).
    assert out.split("\n")[:2] == ["Redis", "0"]
