"""Load benchmark: many visitors taking the adaptive quiz through the pages of a running site.

    .venv/bin/python benchmarks/load_test.py --budget        # the performance budget (make bench)
    .venv/bin/python benchmarks/load_test.py                 # start the site as `make run` does
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8000   # an already running one
    .venv/bin/python benchmarks/load_test.py --budget --site-root /tmp/old-checkout  # other code

The budget is what a person can feel: with 100 visitors taking the quick test at once
(1-3 s between screens, SQLite, the server as ``make run`` starts it), 99% of answer
steps (the answer's POST and the next question's GET, as a phone without JavaScript
makes them) take under 50 ms and 99% of result pages under 100 ms, with no failed request
and no error in the server's log. ``--budget`` measures that, then the completed quizzes
per hour at saturation (no think time), then, for information only, the answer step's
throughput as a share of ``/healthz``'s (``--ratio``); it exits non-zero when the budget
is missed.

Without ``--url`` the script builds a throwaway var directory (SQLite, migrated, static
files collected, content loaded: the ``make setup`` steps), starts the ``Procfile``
with honcho exactly like ``make run`` (gunicorn with ``gunicorn.conf.py`` plus the task
worker) on a free loopback port, and stops all of it afterwards. Locust runs headless in
a second process on 127.0.0.1 for a bounded time (``benchmarks/locustfile.py``: quiz
visitors plus a few ``/healthz`` probes in the same run) and the script prints completed
quizzes per second and p50/p90/p99 latency per step, as a Markdown table for
``docs/research/benchmarks-web.md``.

The only setting changed from ``make run`` is ``QUIZ_START_RATE``: every simulated
visitor comes from 127.0.0.1, so the per-IP limit on new quizzes would otherwise answer
most of them with 429.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STEPS = {
    "0 healthz": "healthz (trivial endpoint)",
    "1 start page": "GET /quiz/",
    "2 start (POST)": "start: POST /quiz/",
    "3 question page": "GET question page",
    "4 answer (POST)": "answer: POST answer",
    "4b skip optional step (POST)": "skip the optional last step: POST",
    "5 result page": "GET result page",
    "answer step (POST + next question)": "answer step: POST + next question's GET",
}
NOT_INHERITED = ("DATABASE_URL", "SECUREBASE_PRODUCTION", "SECUREBASE_TASKS_SYNC", "EMAIL_HOST")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"the site at {url} did not become healthy within {timeout:.0f}s")


@dataclass
class Site:
    """A site started for a benchmark: its address, its server log and its environment."""

    url: str
    log_path: Path
    env: dict[str, str]


def bench_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """``make run``'s environment with its own var directory; quiz starts not limited per IP."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        {
            "SECUREBASE_VAR_DIR": str(var_dir),
            # Every simulated visitor comes from 127.0.0.1: the per-IP limit on new quizzes
            # would otherwise answer most of them with 429.
            "QUIZ_START_RATE": "1000000/m",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def setup_site(env: dict[str, str], root: Path = ROOT) -> None:
    """The ``make setup`` steps: migrate, cache table, static files, knowledge base."""
    manage = [str(BIN / "python"), "manage.py"]
    for args in (
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["load_content"],
    ):
        subprocess.run([*manage, *args], cwd=root, env=env, check=True, capture_output=True)


@contextmanager
def started(
    command: list[str], env: dict[str, str], log_path: Path, root: Path = ROOT
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process in its own process group, logging to ``log_path``; stopped afterwards."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


@contextmanager
def site_like_make_run(workers: int | None, root: Path = ROOT) -> Iterator[Site]:
    """``make setup`` + ``make run`` of the checkout ``root`` in a temporary var directory."""
    var_dir = Path(tempfile.mkdtemp(prefix="securebase-bench-"))
    port = free_port()
    env = bench_env(var_dir, BIND=f"127.0.0.1:{port}")
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    setup_site(env, root)
    log_path = var_dir / "site.log"
    honcho = [str(BIN / "honcho"), "start", "--no-prefix", "-f", "Procfile"]
    try:
        with started(honcho, env, log_path, root):
            site = Site(f"http://127.0.0.1:{port}", log_path, env)
            wait_healthy(site.url)
            yield site
    finally:
        if log_path.exists():
            shutil.copy(log_path, Path(tempfile.gettempdir()) / "securebase-bench-site.log")
        shutil.rmtree(var_dir, ignore_errors=True)


QUIZ_RUN = ("QuizVisitor", "HealthProbe")


def run_locust(
    url: str,
    users: int,
    spawn_rate: float,
    duration: int,
    think: str,
    classes: tuple[str, ...] = QUIZ_RUN,
    quiet: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Path:
    out = Path(tempfile.mkdtemp(prefix="securebase-locust-"))
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        *classes,
        "--headless",
        "--users",
        str(users + 5 if "HealthProbe" in classes else users),  # + the fixed /healthz probes
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "10",
        "--host",
        url,
        "--csv",
        str(out / "run"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "BENCH_THINK_SECONDS": think, **(extra_env or {})}
    result = subprocess.run(
        command, cwd=ROOT, env=env, timeout=duration + 120, check=False, capture_output=quiet
    )
    if result.returncode not in (0, 1):  # 1 = some requests failed; reported below
        if quiet:
            sys.stderr.write(result.stdout.decode(errors="replace")[-4000:])
            sys.stderr.write(result.stderr.decode(errors="replace")[-4000:])
        raise SystemExit(f"locust exited with {result.returncode}")
    return out / "run_stats.csv"


def read_stats(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def report(stats: dict[str, dict[str, str]], args: argparse.Namespace, errors: list[str]) -> str:
    result = stats.get("5 result page", {})
    quizzes_per_s = float(result.get("Requests/s", 0) or 0)
    lines = [
        f"- machine: {os.cpu_count()} CPU cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}",
        f"- load: {args.users} quiz visitors (think time {args.think.replace(',', '-')} s "
        f"between screens) + 5 /healthz probes (every 0.5 s), {args.duration} s, "
        f"spawn rate {args.spawn_rate}/s, locust on the same machine over loopback",
        f"- completed quizzes: {result.get('Request Count', 0)} ({quizzes_per_s:.2f} quizzes/s)",
        f"- server log lines with ERROR/Traceback/locked: {len(errors)}",
        "",
        report_table(stats),
    ]
    return "\n".join(lines)


def report_table(stats: dict[str, dict[str, str]]) -> str:
    lines = [
        "| step | requests | failures | req/s | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in [*STEPS.items(), ("Aggregated", "all requests")]:
        row = stats.get(name)
        if row is None:
            continue
        lines.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['90%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
    return "\n".join(lines)


STEP_NAMES = ("step: answer (POST)", "step: question page (GET)")


def _rps(run: dict[str, dict[str, str]], name: str) -> float:
    row = run.get(name)
    return float(row["Requests/s"]) if row else 0.0


def _merge(runs: list[dict[str, dict[str, str]]], name: str) -> dict[str, float]:
    """One step over several rounds: total requests and failures, median req/s, worst p50/p99."""
    rows = [run[name] for run in runs if name in run]
    return {
        "requests": sum(int(row["Request Count"]) for row in rows),
        "failures": sum(int(row["Failure Count"]) for row in rows),
        "rps": statistics.median(float(row["Requests/s"]) for row in rows) if rows else 0.0,
        "p50": max((float(row["50%"]) for row in rows), default=0.0),
        "p99": max((float(row["99%"]) for row in rows), default=0.0),
    }


def round_shares(
    health: list[dict[str, dict[str, str]]], steps: list[dict[str, dict[str, str]]]
) -> list[tuple[float, float, float]]:
    """Per round: (/healthz req/s, answer step req/s, share). A round is one /healthz phase
    and the answer phase right after it, so both saw about the same neighbours' load."""
    rounds = []
    for health_run, step_run in zip(health, steps, strict=True):
        health_rps = _rps(health_run, "healthz alone")
        step_rps = sum(_rps(step_run, name) for name in STEP_NAMES)
        rounds.append((health_rps, step_rps, step_rps / health_rps if health_rps else 0.0))
    return rounds


HTMX_STEP = "step: answer with htmx (POST)"


def _htmx_lines(
    health: list[dict[str, dict[str, str]]],
    steps: list[dict[str, dict[str, str]]],
    htmx: list[dict[str, dict[str, str]]],
) -> list[str]:
    """The same comparison for browsers with JavaScript: one request per answer."""
    if not htmx:
        return []
    shares = [
        _rps(step_run, HTMX_STEP) / _rps(health_run, "healthz alone")
        for health_run, step_run in zip(health, htmx, strict=True)
        if _rps(health_run, "healthz alone")
    ]
    row = _merge(htmx, HTMX_STEP)
    return [
        "",
        f"with JavaScript (htmx: one POST per answer, the next question as a fragment): "
        f"median {row['rps']:.0f} req/s = answers/s (without JavaScript: "
        f"{_merge(steps, STEP_NAMES[0])['rps']:.0f} answers/s), {row['failures']:.0f} "
        f"failures; per-round shares of /healthz's req/s "
        + ", ".join(f"{share:.0%}" for share in shares)
        + f"; median {statistics.median(shares) if shares else 0.0:.0%}",
    ]


def ratio_report(
    health: list[dict[str, dict[str, str]]],
    steps: list[dict[str, dict[str, str]]],
    args: argparse.Namespace,
    htmx: list[dict[str, dict[str, str]]] | None = None,
) -> tuple[str, int]:
    """The answer step's throughput beside the trivial endpoint's, both at saturation.

    The figure is the median of the per-round shares: a round whose two phases met
    different loads from other work on a shared machine moves the median less than it
    would move a mean or a single long run.
    """
    rows = {"GET /healthz": _merge(health, "healthz alone")}
    for name in STEP_NAMES:
        rows[name.removeprefix("step: ")] = _merge(steps, name)
    rounds = round_shares(health, steps)
    ratio = statistics.median(share for _, _, share in rounds) if rounds else 0.0
    load = os.getloadavg()
    lines = [
        f"- machine: {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the "
        f"end; {args.users} users with no think time; {args.rounds} rounds of {args.duration} s "
        f"/healthz alone, then {args.duration} s answer steps alone, on one site",
        "",
        "| round | /healthz alone, req/s | answer step (POST + GET), req/s | share |",
        "|---:|---:|---:|---:|",
    ]
    for number, (health_rps, step_rps, share) in enumerate(rounds, start=1):
        lines.append(f"| {number} | {health_rps:.0f} | {step_rps:.0f} | {share:.0%} |")
    lines += [
        "",
        "| phase (each alone, saturated) | requests | failures | median req/s | worst p50 ms "
        "| worst p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, row in rows.items():
        lines.append(
            f"| {label} | {row['requests']:.0f} | {row['failures']:.0f} | {row['rps']:.1f} | "
            f"{row['p50']:.0f} | {row['p99']:.0f} |"
        )
    lines += [
        "",
        f"answer step (POST + next question GET) as a share of /healthz: median of "
        f"{len(rounds)} rounds {ratio:.0%} (for information; not a target)",
        *_htmx_lines(health, steps, htmx or []),
    ]
    failures = int(sum(row["failures"] for row in rows.values()))
    failures += int(_merge(htmx, HTMX_STEP)["failures"]) if htmx else 0
    return "\n".join(lines), failures


def run_ratio(url: str, args: argparse.Namespace) -> tuple[str, int]:
    """Alternate short saturated phases, so that a neighbour's load on a shared machine
    falls on both sides of the comparison rather than on one of them.

    For information only: the ratio rewards skipping the framework on the answer step
    and falls when every page gets cheaper, so it is no target (the budget is)."""
    health: list[dict[str, dict[str, str]]] = []
    steps: list[dict[str, dict[str, str]]] = []
    htmx: list[dict[str, dict[str, str]]] = []
    phases = [(("HealthOnly",), health), (("AnswerStepper",), steps)]
    if args.htmx:
        phases.append((("HtmxAnswerStepper",), htmx))
    for _ in range(args.rounds):
        for classes, runs in phases:
            stats = run_locust(
                url, args.users, args.spawn_rate, args.duration, "0,0", classes, quiet=True
            )
            runs.append(read_stats(stats))
    return ratio_report(health, steps, args, htmx)


ANSWER_STEP = "answer step (POST + next question)"
# p99 limits in milliseconds: what a person waits for after tapping an answer, and for
# the result page after the last one.
BUDGET_P99_MS = {ANSWER_STEP: 50, "5 result page": 100}
BUDGET_USERS = 100
BUDGET_THINK = "1,3"


def uptime() -> str:
    """The machine's load as ``uptime`` prints it (other jobs may share the cores)."""
    result = subprocess.run(["uptime"], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def site_label(root: Path) -> str:
    result = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or str(root)


def server_errors(log_path: Path) -> list[str]:
    return [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if " ERROR " in line or "Traceback" in line or "database is locked" in line
    ]


def run_budget(url: str, args: argparse.Namespace, log_path: Path) -> tuple[str, bool]:
    """The budget at 100 visitors, then saturation, then the ratio: one site, one run each."""
    root = Path(args.site_root)
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", 0)) or os.cpu_count() * 2 + 1
    duration = args.duration
    loads = [f"before: {uptime()}"]
    stats = read_stats(
        run_locust(url, BUDGET_USERS, args.spawn_rate, duration, BUDGET_THINK, quiet=True)
    )
    loads.append(f"after the budget phase: {uptime()}")
    errors = server_errors(log_path)
    saturated = read_stats(
        run_locust(
            url,
            args.saturation_users,
            args.spawn_rate,
            args.saturation_duration,
            "0,0",
            ("QuizVisitor",),
            quiet=True,
        )
    )
    loads.append(f"after saturation: {uptime()}")
    args.users, args.duration = args.saturation_users, args.ratio_duration
    ratio_text, _failures = run_ratio(url, args)
    loads.append(f"at the end: {uptime()}")

    failures = sum(int(row["Failure Count"]) for name, row in stats.items() if name in STEPS)
    lines = [
        f"- site: {site_label(root)}; started as `make run` starts it (Procfile: gunicorn "
        f"with gunicorn.conf.py, {workers} workers x 1 thread, plus the task worker), SQLite",
        f"- machine: {os.cpu_count()} CPU cores, Python {platform.python_version()}; locust "
        "on the same machine over loopback; other jobs share these cores (uptime below)",
        f"- budget phase: {BUDGET_USERS} quiz visitors (quick test, no JavaScript), "
        f"{BUDGET_THINK.replace(',', '-')} s between screens, and 5 /healthz probes; "
        f"{duration} s, spawn rate {args.spawn_rate}/s",
        "",
        "| budget | requests | failures | p50 ms | p90 ms | p99 ms | p99 limit | within |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    within = failures == 0 and not errors
    for name, limit in BUDGET_P99_MS.items():
        row = stats.get(name)
        p99 = float(row["99%"]) if row else float("inf")
        ok = row is not None and p99 < limit
        within = within and ok
        lines.append(
            f"| {name} | {row['Request Count'] if row else 0} | "
            f"{row['Failure Count'] if row else 0} | {row['50%'] if row else '-'} | "
            f"{row['90%'] if row else '-'} | {p99:.0f} | {limit} | {'yes' if ok else 'NO'} |"
        )
    result = saturated.get("5 result page", {})
    completed = int(result.get("Request Count", 0) or 0)
    sat_failures = sum(int(row["Failure Count"]) for row in saturated.values())
    lines += [
        "",
        f"- failed requests in the budget phase: {failures}; server log lines with "
        f"ERROR/Traceback/locked: {len(errors)}; budget {'met' if within else 'MISSED'}",
        f"- at saturation ({args.saturation_users} visitors with no think time, "
        f"{args.saturation_duration} s): {completed} completed quizzes = "
        f"{completed / args.saturation_duration * 3600:.0f} per hour, "
        f"{sat_failures} failed requests",
        "- load (`uptime`): " + "; ".join(loads),
        "",
        "Every step of the budget phase:",
        "",
        report_table(stats),
        "",
        "For information, not a target: the answer step's throughput beside /healthz's",
        "",
        ratio_text,
    ]
    for line in errors[:20]:
        lines.append(f"server: {line}")
    return "\n".join(lines), within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="benchmark this running site instead of starting one")
    parser.add_argument("--users", type=int, default=50, help="concurrent quiz visitors")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="new visitors per second")
    parser.add_argument(
        "--think", default="1,3", help="seconds between screens, 'min,max' ('0,0' = saturation)"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: as make run)")
    parser.add_argument(
        "--ratio",
        action="store_true",
        help="saturate /healthz alone, then answer steps alone, and print the ratio",
    )
    parser.add_argument(
        "--budget",
        action="store_true",
        help="check the performance budget, then saturation and the ratio (information)",
    )
    parser.add_argument(
        "--site-root", default=str(ROOT), help="--budget: the checkout to start (default: this)"
    )
    parser.add_argument(
        "--saturation-users", type=int, default=20, help="--budget: visitors with no think time"
    )
    parser.add_argument(
        "--saturation-duration", type=int, default=60, help="--budget: seconds at saturation"
    )
    parser.add_argument(
        "--ratio-duration", type=int, default=15, help="--budget: seconds of each ratio phase"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="--ratio: alternations of the phases (--budget: 3)"
    )
    parser.add_argument(
        "--htmx",
        action="store_true",
        help="--ratio: a third phase per round, answer steps as htmx sends them",
    )
    args = parser.parse_args()
    errors: list[str] = []
    if args.budget:
        if args.rounds == parser.get_default("rounds"):
            args.rounds = 3
        with site_like_make_run(args.workers, Path(args.site_root)) as site:
            text, within = run_budget(site.url, args, site.log_path)
        print(text)
        return 0 if within else 1
    if args.ratio:
        if args.url:
            text, failures = run_ratio(args.url.rstrip("/"), args)
        else:
            with site_like_make_run(args.workers) as site:
                text, failures = run_ratio(site.url, args)
        print(text)
        return 1 if failures else 0
    if args.url:
        wait_healthy(args.url.rstrip("/"))
        stats = read_stats(
            run_locust(args.url.rstrip("/"), args.users, args.spawn_rate, args.duration, args.think)
        )
    else:
        with site_like_make_run(args.workers) as site:
            stats = read_stats(
                run_locust(site.url, args.users, args.spawn_rate, args.duration, args.think)
            )
            errors = server_errors(site.log_path)
    print(report(stats, args, errors))
    for line in errors[:20]:
        print("server:", line)
    failures = sum(int(row["Failure Count"]) for name, row in stats.items() if name in STEPS)
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
