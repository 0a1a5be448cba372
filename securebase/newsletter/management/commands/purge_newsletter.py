from typing import Any

from django.core.management.base import BaseCommand

from securebase.newsletter.services import purge_unconfirmed


class Command(BaseCommand):
    help = "Delete newsletter addresses that were never confirmed and whose links expired."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {purge_unconfirmed()} unconfirmed addresses.")
