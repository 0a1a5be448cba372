"""Background jobs of the quiz app, run by the django-q2 worker that `make run` starts."""

from datetime import timedelta

from django.conf import settings

from securebase.quiz.services import purge_unfinished


def purge_unfinished_sessions() -> int:
    """Daily: delete unfinished quizzes past the retention period the privacy page promises.

    Scheduled by a migration so the promise holds on a single machine without cron;
    ``manage.py purge_unfinished_sessions`` does the same by hand.
    """
    return purge_unfinished(timedelta(days=settings.SECUREBASE_UNFINISHED_RETENTION_DAYS))
