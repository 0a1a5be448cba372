from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from securebase.newsletter.seed import FIRST_ISSUE, SeedError, load_issue


class Command(BaseCommand):
    help = "Load the first newsletter issue (seed/first-issue.md) as a draft, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=FIRST_ISSUE, help="Markdown issue file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_issue(options["file"])
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Created draft" if result.created else "Already present:"
        self.stdout.write(f"{verb} issue #{result.issue.pk} {result.issue.subject!r}")
