"""kill -9 of the task worker in the middle of a newsletter send: nobody gets it twice.

A real worker sends an issue to 30 confirmed subscribers through an SMTP sink that
accepts the 10th message and then holds back its "250" reply; the worker's process group
is killed with SIGKILL right then. Time is moved past ``sending.STALE_AFTER`` (the
claim's timestamp is set back, as if the operator waited five minutes) and a fresh
worker continues the send. Every subscriber gets exactly one mail; the one whose fate
the dead worker never learned is marked "outcome unknown" for the operator, not resent.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from securebase.newsletter.sending import STALE_AFTER
from tests.faults.procs import (
    HoldingSMTP,
    Worker,
    fault_site,
    query,
    shell,
    smtp_sink,
    wait_until,
    with_smtp,
)

SUBSCRIBERS = 30
HELD = 10
START = f"""
from django.utils import timezone
from securebase.newsletter.models import Issue, Subscriber
from securebase.newsletter.services import start_sending
for n in range({SUBSCRIBERS}):
    Subscriber.objects.create(email=f"reader{{n}}@example.org", status="confirmed",
                              confirmed_at=timezone.now())
issue = Issue.objects.create(subject="Small steps", preheader="Tiny", body_markdown="Hello.")
start_sending(issue.pk)
print(issue.pk)
"""
CONTINUE = "from django_q.tasks import async_task; async_task('{task}', {pk})"


def _statuses(database: Path) -> Counter[str]:
    return Counter(row[0] for row in query(database, "SELECT status FROM newsletter_delivery"))


@pytest.mark.slow
def test_worker_killed_mid_issue_sends_nobody_a_second_mail(
    site_template: Path, tmp_path: Path
) -> None:
    from securebase.newsletter.schedules import SEND_ISSUE

    env = fault_site(site_template, tmp_path / "var")
    database = tmp_path / "var" / "securebase.sqlite3"
    first, second = HoldingSMTP(hold_at="reply", hold_on=HELD), HoldingSMTP()
    with smtp_sink(first) as first_port, smtp_sink(second) as second_port:
        pk = int(shell(env, START).split()[-1])
        doomed = Worker(with_smtp(env, first_port), tmp_path / "worker-1.log").start()
        try:
            assert first.holding.wait(timeout=90), (tmp_path / "worker-1.log").read_text()
            assert _statuses(database)["sending"] == 1
            doomed.kill_9()
        finally:
            doomed.stop()
        first.release()

        # Five minutes pass: the claim of the dead worker is now older than STALE_AFTER.
        stale = (datetime.now(UTC) - STALE_AFTER).replace(tzinfo=None).isoformat(" ")
        with sqlite3.connect(database, timeout=20) as db:
            db.execute("UPDATE newsletter_delivery SET claimed_at = ?", (stale,))

        recovery = Worker(with_smtp(env, second_port), tmp_path / "worker-2.log").start()
        try:
            shell(env, CONTINUE.format(task=SEND_ISSUE, pk=pk))
            wait_until(
                lambda: not ({"pending", "sending"} & set(_statuses(database))),
                timeout=120,
                what="the send to finish",
            )
            time.sleep(1)  # a duplicate, if there were one, would arrive now
        finally:
            recovery.stop()

    received = Counter(str(m["To"]) for m in first.messages + second.messages)
    assert len(received) == SUBSCRIBERS
    assert set(received.values()) == {1}, received.most_common(3)
    assert _statuses(database) == {"sent": SUBSCRIBERS - 1, "unknown": 1}
