"""kill -9 of the task worker at each point of a report mail: one mail or a visible failure.

A real ``qcluster`` sends through a real SMTP sink that holds the conversation at the
chosen point; the whole worker process group is then killed with SIGKILL. After the
lease has run out, the recovery job (what the worker runs every two minutes) and a
fresh worker settle the row by the rule in securebase/reports/tasks.py:

- killed before the message was handed to SMTP: it is sent once, by the new worker;
- killed while the server had not accepted it yet: not resent, the row says ``failed``;
- killed after the server accepted it but before the worker wrote that down: exactly
  the one mail that arrived, never a second; the row says ``failed`` (outcome unknown).

In every case the address is blanked.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.faults.procs import (
    HoldingSMTP,
    Worker,
    fault_site,
    query,
    shell,
    silent_smtp,
    smtp_sink,
    wait_until,
    with_smtp,
)

LEASE_SECONDS = 2
QUEUE_ONE = (
    "from securebase.reports.tests.factories import finished_session; "
    "from securebase.reports.services import queue_report_email; "
    "print(queue_report_email(finished_session('secure'), 'fault.reader@example.org', "
    "subscribe=False).pk)"
)
RECOVER = (
    "from securebase.reports.tasks import recover_report_emails; print(recover_report_emails())"
)


def _row(database: Path, pk: int) -> tuple[str, str, str | None]:
    (row,) = query(
        database,
        "SELECT status, email, handed_over_at FROM reports_reportemail WHERE id = ?",
        (pk,),
    )
    return row


@pytest.mark.slow
@pytest.mark.parametrize(
    ("crash_point", "final_status", "mails"),
    [
        ("before hand-over", "sent", 1),
        ("server has not accepted", "failed", 0),
        ("server accepted, not yet recorded", "failed", 1),
    ],
)
def test_worker_killed_mid_send(
    site_template: Path, tmp_path: Path, crash_point: str, final_status: str, mails: int
) -> None:
    env = fault_site(site_template, tmp_path / "var", REPORT_MAIL_LEASE_SECONDS=str(LEASE_SECONDS))
    database = tmp_path / "var" / "securebase.sqlite3"
    first = HoldingSMTP(hold_at={"server has not accepted": "rcpt"}.get(crash_point, "reply"))
    after = HoldingSMTP()
    with ExitStack() as stack:
        if crash_point == "before hand-over":
            first_port = stack.enter_context(silent_smtp())
        else:
            first_port = stack.enter_context(smtp_sink(first))
        after_port = stack.enter_context(smtp_sink(after))

        pk = int(shell(env, QUEUE_ONE).split()[-1])
        doomed = Worker(with_smtp(env, first_port), tmp_path / "worker-1.log").start()
        stack.callback(doomed.stop)
        if crash_point == "before hand-over":
            wait_until(lambda: _row(database, pk)[0] == "sending", what="the claim")
            time.sleep(1.5)  # rendering the PDF, then waiting for a greeting that never comes
        else:
            assert first.holding.wait(timeout=60), (tmp_path / "worker-1.log").read_text()
        status, _email, handed_over = _row(database, pk)
        assert status == "sending"
        assert (handed_over is None) == (crash_point == "before hand-over")

        doomed.kill_9()
        time.sleep(LEASE_SECONDS + 0.5)
        first.release()
        recovery = Worker(with_smtp(env, after_port), tmp_path / "worker-2.log").start()
        stack.callback(recovery.stop)
        shell(env, RECOVER)
        wait_until(
            lambda: _row(database, pk)[0] in {"sent", "failed"}, what="the row to be settled"
        )
        time.sleep(1)  # a duplicate, if there were one, would arrive now

    status, address, _ = _row(database, pk)
    assert (status, address) == (final_status, "")
    assert len(first.messages) + len(after.messages) == mails
    assert all(m["To"] == "fault.reader@example.org" for m in first.messages + after.messages)
