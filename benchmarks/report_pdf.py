"""How long the free PDF report takes to make (target: under 1 s per report), and how long a
repeated download of the same result takes once it is kept.

    .venv/bin/python benchmarks/report_pdf.py [--runs 10]

Uses a throwaway SQLite database and static directory, makes one finished full-form session
per style through the quiz services (real answers, real scoring), renders each report once to
warm up (the first PDF of a process also loads fonts through fontconfig) and then times
``GET /results/<token>/report.pdf`` through Django's test client, exactly what a person's
download runs: the first request of a result (the kept PDF deleted before each run: context,
template, WeasyPrint layout and PDF writing, storing the PDF) and the repeated request (the
same result again: context, template and fingerprint, then the kept PDF from the database).

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
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed renders per style")
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.test import Client

    from securebase.reports.models import ReportPDF
    from securebase.reports.tests.factories import finished_session

    settings.SECUREBASE_REPORT_PDF_RATE_PER_RESULT = "1000000/h"
    settings.SECUREBASE_REPORT_PDF_RATE_PER_IP = "1000000/h"
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    sessions = {style: finished_session(style, form="full") for style in STYLES}

    def download(style: str) -> bytes:
        response = client.get(f"/results/{sessions[style].token}/report.pdf")
        assert response.status_code == 200, response.status_code
        return response.content

    cold_start = time.perf_counter()
    download("secure")
    cold = time.perf_counter() - cold_start

    wall: list[float] = []
    cpu: list[float] = []
    repeat_wall: list[float] = []
    repeat_cpu: list[float] = []
    sizes: list[int] = []
    for style in STYLES:
        download(style)
        for _ in range(args.runs):
            ReportPDF.objects.all().delete()
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            pdf = download(style)
            wall.append(time.perf_counter() - wall_start)
            cpu.append(time.process_time() - cpu_start)
            sizes.append(len(pdf))
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            again = download(style)
            repeat_wall.append(time.perf_counter() - wall_start)
            repeat_cpu.append(time.process_time() - cpu_start)
            assert again == pdf

    def row(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (
            f"{name:<10} median {statistics.median(values):.3f} s   p95 {p95:.3f} s   "
            f"min {ordered[0]:.3f} s   max {ordered[-1]:.3f} s"
        )

    print(f"PDF report, {len(wall)} renders ({args.runs} per style), load {os.getloadavg()[0]:.1f}")
    print("first request of a result (renders and keeps the PDF):")
    print(row("wall", wall))
    print(row("cpu", cpu))
    print("repeated request (the kept PDF):")
    print(row("wall", repeat_wall))
    print(row("cpu", repeat_cpu))
    print(f"first PDF of the process (fonts loading): {cold:.3f} s")
    print(f"size: {min(sizes) // 1024}-{max(sizes) // 1024} KiB")
    met = statistics.median(wall) < TARGET_SECONDS
    print(f"target < {TARGET_SECONDS:.1f} s median (first request): {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
