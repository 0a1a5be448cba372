"""Django's CPU time per request of the answer step, beside /healthz, measured in-process.

    .venv/bin/python benchmarks/answer_step_cpu.py [--rounds 7] [--quizzes 8]

The load benchmark (``load_test.py --ratio``) shows the answer step's throughput beside
``/healthz`` but mixes in locust and gunicorn on the same cores and whatever else the
machine runs. This script isolates the part the code decides: the CPU time Django's
handler spends on each request (all middleware, the view, the database calls; not the
test client building the request), with the settings of ``make run`` (DEBUG off, SQLite
in WAL mode, a throwaway var directory). Each round answers ``--quizzes`` full-form
quizzes to the end as a browser without JavaScript does (the answer form's POST, sent
urlencoded as a browser sends it, with its CSRF token, then the GET of the next question
it redirects to) and then requests ``/healthz`` 500 times. It prints each round and the
minimum over rounds: on a busy machine the minimum is the figure least disturbed by
other processes.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_RE = re.compile(r'name="item" value="(\d+)"')
FORM = "application/x-www-form-urlencoded"


def setup_django() -> None:
    os.environ["SECUREBASE_VAR_DIR"] = tempfile.mkdtemp(prefix="securebase-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["QUIZ_START_RATE"] = "1000000/m"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "securebase.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


class HandlerClock:
    """CPU seconds spent inside Django's ``BaseHandler.get_response`` since the last read."""

    def __init__(self) -> None:
        from django.core.handlers.base import BaseHandler

        self.spent = 0.0
        inner = BaseHandler.get_response

        def timed(handler: Any, request: Any) -> Any:
            start = time.process_time()
            try:
                return inner(handler, request)
            finally:
                self.spent += time.process_time() - start

        BaseHandler.get_response = timed  # type: ignore[method-assign]

    def read(self) -> float:
        spent, self.spent = self.spent, 0.0
        return spent


def answer_quizzes(clock: HandlerClock, quizzes: int) -> tuple[float, float]:
    """Mean CPU ms of an answer POST and of a question page GET over ``quizzes`` quizzes."""
    from django.test import Client

    posts: list[float] = []
    gets: list[float] = []
    for _ in range(quizzes):
        client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
        csrf = CSRF_RE.search(client.get("/quiz/").content.decode())
        assert csrf, "no CSRF token on the start page"
        start = {"csrfmiddlewaretoken": csrf.group(1), "form": "full", "adult": "on"}
        url = client.post("/quiz/", urlencode(start), content_type=FORM)["Location"]
        page = client.get(url)
        clock.read()
        while item := ITEM_RE.search(page.content.decode()):
            csrf = CSRF_RE.search(page.content.decode())
            assert csrf, "no CSRF token on a question page"
            answer = {"csrfmiddlewaretoken": csrf.group(1), "item": item.group(1), "value": 3}
            answered = client.post(url, urlencode(answer), content_type=FORM)
            posts.append(clock.read())
            url = answered["Location"]
            if "/about-you/" in url:
                break
            page = client.get(url)
            gets.append(clock.read())
            assert page.status_code == 200, page.status_code
    return sum(posts) / len(posts) * 1e3, sum(gets) / len(gets) * 1e3


def healthz(clock: HandlerClock, requests: int = 500) -> float:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    clock.read()
    for _ in range(requests):
        client.get("/healthz")
    return clock.read() / requests * 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quizzes", type=int, default=8, help="full-form quizzes per round")
    args = parser.parse_args()
    setup_django()
    clock = HandlerClock()
    answer_quizzes(clock, 2)  # warm up: templates, compiled statements, first connection
    healthz(clock, 100)
    rows = []
    print("| round | answer POST, ms | question page GET, ms | step mean, ms | /healthz, ms |")
    print("|---:|---:|---:|---:|---:|")
    for number in range(1, args.rounds + 1):
        post, get = answer_quizzes(clock, args.quizzes)
        health = healthz(clock)
        rows.append((post, get, (post + get) / 2, health))
        print(f"| {number} | {post:.3f} | {get:.3f} | {(post + get) / 2:.3f} | {health:.3f} |")
    best = [min(column) for column in zip(*rows, strict=True)]
    print("| **min** | " + " | ".join(f"**{value:.3f}**" for value in best) + " |")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nCPU time per request inside Django's handler; load average {load} at the end.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
