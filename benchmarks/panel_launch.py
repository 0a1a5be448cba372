"""Load benchmark: a study released on a panel, hundreds of participants within a minute.

    .venv/bin/python benchmarks/panel_launch.py              # SQLite, the server as `make run`
    .venv/bin/python scripts/throwaway_postgres.py -- \\
        .venv/bin/python benchmarks/panel_launch.py --postgres --servers 3   # PostgreSQL + Redis

A panel such as Prolific releases a study to many people at once. This script creates a
study (quick test, panel id parameter ``PROLIFIC_PID``, a completion address), then lets
300 participants arrive through the study's address within 60 s, each with their own
panel id, 1-3 s between screens: consent, the quick test through the pages (no
JavaScript), the last page with the completion link, the result (locust class
``PanelParticipant`` in ``benchmarks/locustfile.py``).

It then reads the database through ``manage.py shell`` and compares it with what the
participants were told: every answer the server accepted (a redirect to the next screen)
must be stored, every participant who saw a completion link must be a completed
participant of the study, and each participant's answers must be numbered 1..n without a
gap. The run meets the target when no request failed, the server logged no error, no
answer was lost and the answer step's p99 (the answer's POST and the next question's
GET) is under 50 ms; the script exits non-zero otherwise.

Without ``--postgres`` the site is started exactly as ``make run`` starts it (the
``Procfile``: gunicorn with ``gunicorn.conf.py`` and the task worker) on SQLite. With
``--postgres`` it uses ``DATABASE_URL`` (a throwaway server from
``scripts/throwaway_postgres.py``), starts a throwaway ``redis-server`` for the cache, rate
limits and task queue, and ``--servers`` gunicorn masters on separate ports (as several
app hosts would be) plus one task worker; each participant is sent to one server.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from load_test import (  # the sibling script, importable from any directory
    BIN,
    ROOT,
    Site,
    bench_env,
    free_port,
    read_stats,
    run_locust,
    server_errors,
    setup_site,
    site_like_make_run,
    started,
    uptime,
    wait_healthy,
)

from tests.servers import redis_server  # the throwaway Redis the test suite starts too

SLUG = "panel-launch"
ANSWER_STEP = "answer step (POST + next question)"
P99_LIMIT_MS = 50
CREATE_STUDY = """
from django.contrib.auth import get_user_model
from securebase.studies import services
from securebase.studies.models import Study
owner = get_user_model().objects.create_user("bench-owner", password=None)
services.create_study(owner, Study(slug={slug!r}, title="Panel launch", form="adaptive",
    panel_parameter="PROLIFIC_PID", completion_url="https://panel.example/complete",
    target={target}), "You agree to take part in a load test.")
"""
COUNT_STORED = """
import json
from django.db.models import Count, Max
from securebase.quiz.models import Answer
from securebase.studies.models import Participant
participants = Participant.objects.filter(study__slug={slug!r})
answers = Answer.objects.filter(session__study_participant__study__slug={slug!r})
per_session = answers.values("session").annotate(n=Count("id"), last=Max("position"))
print(json.dumps({{
    "participants": participants.count(),
    "with_panel_id": participants.exclude(panel_id="").count(),
    "completed": participants.filter(session__completed_at__isnull=False).count(),
    "answers": answers.count(),
    "numbered_with_gaps": sum(1 for row in per_session if row["n"] != row["last"]),
}}))
"""


def manage(site: Site, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@contextmanager
def several_servers(count: int, workers: int) -> Iterator[tuple[Site, list[str]]]:
    """PostgreSQL (``DATABASE_URL``) and Redis, ``count`` gunicorn masters and one task worker."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--postgres needs DATABASE_URL: run under scripts/throwaway_postgres.py")
    var_dir = Path(tempfile.mkdtemp(prefix="securebase-panel-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, var_dir, ignore_errors=True)
        redis_url = stack.enter_context(redis_server(var_dir))
        env = bench_env(var_dir, DATABASE_URL=os.environ["DATABASE_URL"], REDIS_URL=redis_url)
        setup_site(env)
        log_path = var_dir / "site.log"
        urls = []
        for _ in range(count):
            port = free_port()
            command = [str(BIN / "gunicorn"), "securebase.wsgi", "--config", "gunicorn.conf.py"]
            command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
            stack.enter_context(started(command, env, log_path))
            urls.append(f"http://127.0.0.1:{port}")
        stack.enter_context(started([str(BIN / "python"), "manage.py", "qcluster"], env, log_path))
        for url in urls:
            wait_healthy(url)
        yield Site(urls[0], log_path, env), urls


def run(site: Site, urls: list[str], args: argparse.Namespace) -> tuple[str, bool]:
    create = CREATE_STUDY.format(slug=SLUG, target=args.participants)
    manage(site, "shell", "--no-imports", "-c", create)
    before = uptime()
    stats = read_stats(
        run_locust(
            site.url,
            args.participants,
            args.participants / args.arrival,
            args.arrival + args.linger,
            args.think,
            ("PanelParticipant",),
            quiet=True,
            extra_env={
                "BENCH_STUDY_SLUG": SLUG,
                "BENCH_PARTICIPANTS": str(args.participants),
                "BENCH_HOSTS": ",".join(urls),
            },
        )
    )
    after = uptime()
    stored = json.loads(manage(site, "shell", "--no-imports", "-c", COUNT_STORED.format(slug=SLUG)))
    errors = server_errors(site.log_path)

    def count(name: str, field: str = "Request Count") -> int:
        return int(stats.get(name, {}).get(field, 0) or 0)

    accepted = count("4 answer (POST)") - count("4 answer (POST)", "Failure Count")
    joined = count("2 consent (POST)") - count("2 consent (POST)", "Failure Count")
    finished = count("5 done page") - count("5 done page", "Failure Count")
    failures = sum(int(row["Failure Count"]) for name, row in stats.items() if name != "Aggregated")
    lost = accepted - stored["answers"]
    step = stats.get(ANSWER_STEP, {})
    p99 = float(step.get("99%", "inf") or "inf")
    met = (
        failures == 0
        and not errors
        and lost == 0
        and stored["numbered_with_gaps"] == 0
        and finished == stored["completed"] == joined == stored["participants"] == args.participants
        and p99 < P99_LIMIT_MS
    )
    database = (
        f"PostgreSQL + Redis, {len(urls)} gunicorn masters x {args.workers} workers, 1 task worker"
        if args.postgres
        else "SQLite, the server as `make run` starts it (Procfile: gunicorn.conf.py, task worker)"
    )
    lines = [
        f"- setup: {database}; {os.cpu_count()} CPU cores; locust on the same machine",
        f"- load: {args.participants} participants arriving within {args.arrival} s through "
        f"`/s/{SLUG}/?PROLIFIC_PID=...`, quick test, {args.think.replace(',', '-')} s between "
        "screens, each opens the last page and the result once",
        f"- joined {joined}, saw the completion link {finished}; in the database: "
        f"{stored['participants']} participants ({stored['with_panel_id']} with a panel id), "
        f"{stored['completed']} completed",
        f"- answers accepted by the server {accepted}, stored {stored['answers']}: "
        f"lost {lost}; participants whose answers are not numbered 1..n: "
        f"{stored['numbered_with_gaps']}",
        f"- failed requests: {failures}; server log lines with ERROR/Traceback/locked: "
        f"{len(errors)}; answer step p99 {p99:.0f} ms (limit {P99_LIMIT_MS}); "
        f"target {'met' if met else 'MISSED'}",
        f"- load (`uptime`): before: {before}; after: {after}",
        "",
        "| step | requests | failures | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(stats):
        if name == "Aggregated":
            continue
        row = stats[name]
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['90%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    if finished < args.participants:
        # Locust stops participants mid-request at the end of the run: an answer the server
        # stored may then never be acknowledged, so the counts above cannot be compared.
        lines.append(
            f"- only {finished} of {args.participants} participants finished before the run "
            "ended: raise --linger"
        )
    lines += [f"server: {line}" for line in errors[:20]]
    return "\n".join(lines), met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--arrival", type=int, default=60, help="seconds over which they arrive")
    parser.add_argument("--think", default="1,3", help="seconds between screens, 'min,max'")
    parser.add_argument(
        "--linger", type=int, default=120, help="seconds after the last arrival to finish"
    )
    parser.add_argument("--postgres", action="store_true", help="DATABASE_URL, Redis, --servers")
    parser.add_argument("--servers", type=int, default=3, help="--postgres: gunicorn masters")
    parser.add_argument("--workers", type=int, default=2, help="--postgres: workers per master")
    args = parser.parse_args()
    if args.postgres:
        with several_servers(args.servers, args.workers) as (site, urls):
            text, met = run(site, urls, args)
    else:
        with site_like_make_run(None) as site:
            text, met = run(site, [site.url], args)
    print(text)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
