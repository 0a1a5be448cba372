"""How long the free PDF report takes to make (target: under 1 s per report).

    .venv/bin/python benchmarks/report_pdf.py [--runs 10]

Uses a throwaway SQLite database and static directory, makes one finished full-form session
per style through the quiz services (real answers, real scoring), renders each report once to
warm up (the first PDF of a process also loads fonts through fontconfig) and then times
``securebase.reports.pdf.render_pdf`` -- context, template, WeasyPrint layout and PDF
writing, exactly what the download view and the mail task run.

Wall-clock time is what a person waits for; CPU time is printed beside it because on a busy
machine (for example while a test suite runs) wall-clock time mostly measures the others.
Exits with status 1 when the median wall-clock time misses the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 1.0
STYLES = ("secure", "anxious", "avoidant", "disorganized")


def setup_django() -> None:
    os.environ["SECUREBASE_VAR_DIR"] = tempfile.mkdtemp(prefix="securebase-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "securebase.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed renders per style")
    args = parser.parse_args()
    setup_django()

    from securebase.reports.pdf import render_pdf
    from securebase.reports.tests.factories import finished_session

    sessions = {style: finished_session(style, form="full") for style in STYLES}
    cold_start = time.perf_counter()
    render_pdf(sessions["secure"])
    cold = time.perf_counter() - cold_start

    wall: list[float] = []
    cpu: list[float] = []
    sizes: list[int] = []
    for style in STYLES:
        render_pdf(sessions[style])
        for _ in range(args.runs):
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            pdf = render_pdf(sessions[style])
            wall.append(time.perf_counter() - wall_start)
            cpu.append(time.process_time() - cpu_start)
            sizes.append(len(pdf))

    def row(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (
            f"{name:<10} median {statistics.median(values):.3f} s   p95 {p95:.3f} s   "
            f"min {ordered[0]:.3f} s   max {ordered[-1]:.3f} s"
        )

    print(f"PDF report, {len(wall)} renders ({args.runs} per style), load {os.getloadavg()[0]:.1f}")
    print(row("wall", wall))
    print(row("cpu", cpu))
    print(f"first PDF of the process (fonts loading): {cold:.3f} s")
    print(f"size: {min(sizes) // 1024}-{max(sizes) // 1024} KiB")
    met = statistics.median(wall) < TARGET_SECONDS
    print(f"target < {TARGET_SECONDS:.1f} s median: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
