"""Delete report mails that never went out and still hold an address after a day.

Normally the task blanks the address within seconds; a row can only keep it if a worker
died mid-send or the queue was down. An address is never kept for longer than this.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from securebase.reports.services import purge_stale_report_emails


class Command(BaseCommand):
    help = "Delete report mails older than a day that still hold an email address."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_stale_report_emails(older_than=timedelta(days=1))
        self.stdout.write(f"Deleted {count} stale report mail(s).")
