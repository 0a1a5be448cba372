"""Several server processes writing to one SQLite file: no "database is locked", nothing lost.

Three gunicorn masters (two workers each) share one SQLite file, as on a single-machine
deployment. Clients take the adaptive quiz through the JSON API, every request going to
the next server in turn, and some clients send each answer twice at the same moment to
two different servers (a double tap on a slow phone). WAL, the busy timeout and
``BEGIN IMMEDIATE`` must turn all of that into queued writes: no 5xx, nothing about a
locked database in any log, and the stored answers exactly what each client sent.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from threading import Barrier

import pytest

from tests.servers import AppServer, Reply, prepare_site, request, running_servers, site_env

CLIENTS = 24
DOUBLE_TAPPERS = {3, 9, 15, 21}  # these clients send every answer twice, concurrently
MAX_ANSWERS = 40  # the adaptive quiz stops far earlier; a bound keeps a bug from hanging


@dataclass
class ClientRun:
    index: int
    token: str = ""
    sent: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    finished: bool = False


class RoundRobin:
    def __init__(self, servers: list[AppServer]) -> None:
        self._cycle = itertools.cycle(servers)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            return next(self._cycle).url


def post_together(url: str, payload: dict[str, int], gate: Barrier) -> Reply:
    """POST once both threads of a double tap are ready, so the two requests overlap."""
    gate.wait(timeout=10)
    return request("POST", url, payload)


def take_quiz(index: int, servers: RoundRobin) -> ClientRun:
    run = ClientRun(index)
    rng = random.Random(index)
    started = request("POST", f"{servers.next()}/api/v1/sessions", {"form": "adaptive"})
    if started.status != 201:
        run.failures.append(f"start: HTTP {started.status} {started.body[:200]!r}")
        return run
    step = started.json()
    run.token = step["token"]
    for _ in range(MAX_ANSWERS):
        if step["done"]:
            run.finished = True
            return run
        item = step["next_item"]["number"]
        value = rng.randint(1, 5)
        run.sent[item] = value
        url_path = f"/api/v1/sessions/{run.token}/answers"
        payload = {"item": item, "value": value}
        if index in DOUBLE_TAPPERS:
            urls = [servers.next() + url_path, servers.next() + url_path]
            with ThreadPoolExecutor(max_workers=2) as pair:
                replies = list(pair.map(post_together, urls, [payload] * 2, [Barrier(2)] * 2))
        else:
            replies = [request("POST", servers.next() + url_path, payload)]
        ok = [reply for reply in replies if reply.status == 200]
        for reply in replies:
            if reply.status >= 500 or (reply.status != 200 and not ok):
                run.failures.append(f"answer {item}: HTTP {reply.status} {reply.body[:200]!r}")
        if not ok:
            return run
        step = ok[0].json()
        if len(ok) == 2 and ok[0].json()["next_item"] != ok[1].json()["next_item"]:
            run.failures.append(f"double tap on {item} gave two different next questions")
    run.failures.append(f"not finished after {MAX_ANSWERS} answers")
    return run


def stored_answers(database: Path, token: str) -> list[tuple[int, int]]:
    from securebase.quiz.models import Answer, QuizSession

    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute(
            f"SELECT a.item, a.value FROM {Answer._meta.db_table} a "  # noqa: S608 - table names from the models
            f"JOIN {QuizSession._meta.db_table} s ON a.session_id = s.id WHERE s.token = ?",
            (token,),
        ).fetchall()
    return sorted(rows)


@pytest.mark.slow
def test_three_servers_on_one_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    env = site_env(var_dir)
    prepare_site(var_dir, env)
    database = var_dir / "securebase.sqlite3"
    with running_servers(env, tmp_path, count=3, workers=2) as servers:
        rotation = RoundRobin(servers)
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(take_quiz, index, rotation) for index in range(CLIENTS)]
            runs = [future.result(timeout=300) for future in futures]
    logs = "\n".join(path.read_text() for path in sorted(tmp_path.glob("server-*.log")))

    failures = [f"client {run.index}: {problem}" for run in runs for problem in run.failures]
    assert not failures, "\n".join(failures) + "\n" + logs[-3000:]
    assert "database is locked" not in logs.lower()
    assert "Traceback" not in logs and " ERROR " not in logs, logs[-3000:]
    for run in runs:
        assert run.finished
        assert stored_answers(database, run.token) == sorted(run.sent.items()), run.index
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
