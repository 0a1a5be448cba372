"""Delete never-confirmed addresses daily, even on days when nobody subscribes or an issue goes out."""

from django.db import migrations

from securebase.core.schedules import DJANGO_Q_DEPENDENCY, daily_schedule


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial"), DJANGO_Q_DEPENDENCY]

    operations = [daily_schedule("newsletter-purge-unconfirmed", "securebase.newsletter.tasks.purge_unconfirmed")]
