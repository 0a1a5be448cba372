"""Daily housekeeping jobs, registered with the django-q2 worker by data migrations.

Retention promises (unfinished quizzes, stale report addresses, unconfirmed newsletter
addresses) must hold on a single machine with no cron, so each app's migration creates a
repeating django-q2 ``Schedule`` that the worker started by ``make run`` executes.
"""

from typing import Any

from django.db import migrations

# The django-q2 migration that created the Schedule table in its current shape.
DJANGO_Q_DEPENDENCY = (
    "django_q",
    "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more",
)


def daily_schedule(name: str, func: str) -> migrations.RunPython:
    """A reversible migration operation that schedules ``func`` (a dotted path) once a day."""

    def create(apps: Any, schema_editor: Any) -> None:
        apps.get_model("django_q", "Schedule").objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": "D", "repeats": -1}
        )

    def delete(apps: Any, schema_editor: Any) -> None:
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(create, delete)
