"""Background tasks (django-q2). Arguments are ids only: addresses never enter the queue.

Every task re-reads its rows and may run any number of times: a subscriber may have
left, an issue may already be finished, another worker may be sending the same issue.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_q.tasks import async_task

from securebase.newsletter import schedules, sending, services
from securebase.newsletter.schedules import SEND_ISSUE, schedule_name

__all__ = ["purge_unconfirmed", "schedule_name", "send_confirmation", "send_issue"]


def send_confirmation(subscriber_id: int) -> str:
    services.purge_unconfirmed()
    return "sent" if services.send_confirmation(subscriber_id) else "nothing to send"


def purge_unconfirmed() -> str:
    return f"purged {services.purge_unconfirmed()}"


def send_issue(issue_id: int) -> str:
    """Send what is due for an issue, then make sure a later run will finish the job.

    Before working, a one-off "watchdog" schedule is set a little past
    :data:`sending.STALE_AFTER`: if this worker dies mid-send, the scheduler starts a
    new run that settles the in-flight delivery as unknown and continues. Afterwards the
    schedule is moved to when the next retry is due, or removed when the issue is done.
    """
    services.purge_unconfirmed()
    schedules.wake_at(issue_id, timezone.now() + sending.STALE_AFTER + timedelta(seconds=30))
    report = sending.deliver(issue_id)
    if report is None or report.finished:
        schedules.cancel(issue_id)
        return "done" if report else "not sending"
    if report.more_due_now:
        async_task(SEND_ISSUE, issue_id)
    elif report.next_wake is not None:
        schedules.wake_at(issue_id, report.next_wake)
    return f"handled {report.handled}, more to do"
