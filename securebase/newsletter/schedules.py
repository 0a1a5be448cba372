"""One pending wake-up per issue being sent, in django-q2's scheduler.

The scheduler deletes a ONCE schedule after creating its task, so each run of
``send_issue`` replaces the schedule (delete + create in one transaction) instead of
piling up one per run.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django_q.models import Schedule

SEND_ISSUE = "securebase.newsletter.tasks.send_issue"


def schedule_name(issue_id: int) -> str:
    return f"newsletter-issue-{issue_id}"


def wake_at(issue_id: int, when: datetime) -> None:
    with transaction.atomic():
        Schedule.objects.filter(name=schedule_name(issue_id)).delete()
        Schedule.objects.create(
            name=schedule_name(issue_id),
            func=SEND_ISSUE,
            args=repr(issue_id),
            schedule_type=Schedule.ONCE,
            next_run=when,
        )


def cancel(issue_id: int) -> None:
    Schedule.objects.filter(name=schedule_name(issue_id)).delete()
