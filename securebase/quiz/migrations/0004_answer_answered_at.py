import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    """When each answer was stored, set by the database.

    Added empty first, then given its database default: answers stored before this
    migration stay empty (unknown) instead of all getting the migration's own time, which
    would read as answers given in no time at all.
    """

    dependencies = [
        ("quiz", "0003_session_gender_age_band"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="answered_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="answer",
            name="answered_at",
            field=models.DateTimeField(
                blank=True,
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                null=True,
            ),
        ),
    ]
