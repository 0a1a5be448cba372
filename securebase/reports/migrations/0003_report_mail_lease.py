"""A lease on report mails being sent, and a worker job that recovers abandoned ones.

See securebase/reports/tasks.py for the at-most-once rule the two fields implement.
"""

from django.db import migrations, models

from securebase.core.schedules import DJANGO_Q_DEPENDENCY

RECOVERY_SCHEDULE = "reports-recover-abandoned-mails"


def schedule_recovery(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=RECOVERY_SCHEDULE,
        defaults={
            "func": "securebase.reports.tasks.recover_report_emails",
            "schedule_type": "I",  # every `minutes` minutes
            "minutes": 2,
            "repeats": -1,
        },
    )


def unschedule_recovery(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=RECOVERY_SCHEDULE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_purge_schedule'),
        DJANGO_Q_DEPENDENCY,
    ]

    operations = [
        migrations.AddField(
            model_name='reportemail',
            name='handed_over_at',
            field=models.DateTimeField(blank=True, help_text='When the message went to the SMTP server; after that it is never resent.', null=True),
        ),
        migrations.AddField(
            model_name='reportemail',
            name='lease_until',
            field=models.DateTimeField(blank=True, help_text='While sending: when this claim counts as abandoned (the worker died).', null=True),
        ),
        migrations.RunPython(schedule_recovery, unschedule_recovery),
    ]
