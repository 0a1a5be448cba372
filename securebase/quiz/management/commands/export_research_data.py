"""``manage.py export_research_data --out research.csv``: consented, anonymous answers."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from securebase.quiz.research import write_csv


class Command(BaseCommand):
    help = (
        "Write completed quizzes whose takers allowed anonymous research use as CSV: "
        "answers Q1..Q36 (0 = not asked), form, n_items, completion month (YYYY-MM) and "
        "scores. No tokens, ids or exact times. Use --out - for standard output."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, help="CSV file to write, or - for stdout")

    def handle(self, *args: Any, out: str, **options: Any) -> None:
        if out == "-":
            count = write_csv(sys.stdout)
        else:
            try:
                with open(out, "w", encoding="utf-8", newline="") as handle:
                    count = write_csv(handle)
            except OSError as error:
                raise CommandError(f"cannot write {out}: {error.strerror}") from error
        self.stderr.write(f"Exported {count} consented sessions.")
