"""Delete undelivered report mails that still hold an address after a day, daily."""

from django.db import migrations

from securebase.core.schedules import DJANGO_Q_DEPENDENCY, daily_schedule


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), DJANGO_Q_DEPENDENCY]

    operations = [daily_schedule("reports-purge-stale-emails", "securebase.reports.tasks.purge_report_emails")]
