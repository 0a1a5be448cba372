"""``manage.py purge_unfinished_sessions``: keep unfinished quizzes only as long as promised."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from securebase.quiz.services import purge_unfinished


class Command(BaseCommand):
    help = (
        "Delete quiz sessions that were never finished and not touched for --days days "
        "(default: UNFINISHED_RETENTION_DAYS, 30), with their answers. The privacy page "
        "promises this retention period, so operators must schedule this command daily, "
        "e.g. cron `15 3 * * * cd /srv/securebase && .venv/bin/python manage.py "
        "purge_unfinished_sessions` or a systemd timer. Finished sessions are kept until "
        "their owner deletes them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SECUREBASE_UNFINISHED_RETENTION_DAYS,
            help="age in days of the last change after which an unfinished session goes",
        )

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1")
        count = purge_unfinished(timedelta(days=days))
        self.stdout.write(f"Deleted {count} unfinished sessions older than {days} days.")
