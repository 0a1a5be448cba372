"""``manage.py load_content``: parse and validate the knowledge base, loudly.

Run by ``make run`` before the server starts, so broken content (a claim without a
reference, a link to a page that does not exist) stops a deploy instead of reaching
readers.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from securebase.content.library import ContentError, get_library
from securebase.content.validate import validate


class Command(BaseCommand):
    help = "Parse the knowledge-base files and check them; exit non-zero on any problem."

    def handle(self, *args: Any, **options: Any) -> None:
        get_library.cache_clear()
        try:
            library = get_library()
        except ContentError as exc:
            raise CommandError(_listing("cannot be loaded", exc.problems)) from None
        problems = validate(library)
        if problems:
            raise CommandError(_listing("has problems", problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"Content OK: {len(library.articles)} articles, {len(library.styles)} style "
                f"pages, {len(library.claims)} claims, {len(library.references)} references "
                f"({sum(ref.in_source for ref in library.references.values())} from the "
                "source article)."
            )
        )


def _listing(what: str, problems: list[str]) -> str:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return f"The knowledge base {what} ({len(problems)}):\n{lines}"
