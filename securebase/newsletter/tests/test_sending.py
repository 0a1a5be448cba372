"""Sending an issue through a real SMTP server: once per reader, retries, bounces, restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone
from django_q.models import Schedule

from securebase.newsletter import sending, services, tasks
from securebase.newsletter.addresses import address_hash
from securebase.newsletter.models import Delivery, Issue, Subscriber, Suppression
from securebase.newsletter.tests.conftest import html_of, link_in, mails_to, text_of

pytestmark = pytest.mark.django_db


def test_issue_reaches_each_confirmed_reader_once(mail_via_smtp, make_subscriber, issue) -> None:
    readers = [make_subscriber(f"r{n}@example.org") for n in range(3)]
    make_subscriber("pending@example.org", confirmed=False)

    assert services.start_sending(issue.pk) == 3

    mail_via_smtp.recorder.wait_for(3)
    assert sorted(m["To"] for m in mail_via_smtp.messages) == sorted(r.email for r in readers)
    for message in mail_via_smtp.messages:
        assert message["Subject"] == issue.subject
        assert (
            message["List-Unsubscribe"]
            .strip()
            .startswith("<http://127.0.0.1:8000/newsletter/unsub")
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html = html_of(message)
        assert "http://127.0.0.1:8000/styles/secure/" in html  # site paths made absolute
        assert "<script>" not in html  # raw HTML in Markdown is shown as text
        assert "This is not a diagnosis" in html
        assert "Unsubscribe with one click" in text_of(message)
        assert link_in(message, "unsubscribe")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert not Schedule.objects.filter(name=tasks.schedule_name(issue.pk)).exists()

    with pytest.raises(services.AlreadyStarted):
        services.start_sending(issue.pk)
    tasks.send_issue(issue.pk)
    assert len(mail_via_smtp.messages) == 3


def test_unsubscribe_link_in_an_issue_works(client, mail_via_smtp, make_subscriber, issue) -> None:
    make_subscriber("click@example.org")
    services.start_sending(issue.pk)
    [message] = mail_via_smtp.recorder.wait_for(1)
    link = message["List-Unsubscribe"].strip().strip("<>").removeprefix("http://127.0.0.1:8000")
    assert (
        client.post(link, "List-Unsubscribe=One-Click", content_type="text/plain").status_code
        == 200
    )
    assert not Subscriber.objects.exists()


def test_permanent_failure_suppresses_the_address(mail_via_smtp, make_subscriber, issue) -> None:
    make_subscriber("ok@example.org")
    make_subscriber("dead@example.org")
    mail_via_smtp.recorder.refuse("dead@example.org", 550)

    services.start_sending(issue.pk)

    assert [m["To"] for m in mail_via_smtp.messages] == ["ok@example.org"]
    failed = Delivery.objects.get(status=Delivery.Status.FAILED_PERMANENT)
    assert failed.last_smtp_code == 550
    assert failed.subscriber is None  # the address itself is gone
    assert not Subscriber.objects.filter(email="dead@example.org").exists()
    assert Suppression.objects.filter(address_hash=address_hash("dead@example.org")).exists()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT

    # Asking again later neither stores the address nor mails it.
    services.request_subscription("Dead@Example.org")
    assert not Subscriber.objects.filter(email="dead@example.org").exists()
    assert len(mail_via_smtp.messages) == 1


def test_temporary_failure_is_retried_later(mail_via_smtp, make_subscriber, issue) -> None:
    make_subscriber("ok@example.org")
    make_subscriber("busy@example.org")
    mail_via_smtp.recorder.refuse("busy@example.org", 451)

    services.start_sending(issue.pk)

    retry = Delivery.objects.get(subscriber__email="busy@example.org")
    assert retry.status == Delivery.Status.FAILED_TEMPORARY
    assert retry.attempts == 1
    assert retry.last_smtp_code == 451
    assert retry.next_attempt_at > timezone.now()
    wake = Schedule.objects.get(name=tasks.schedule_name(issue.pk))
    assert wake.schedule_type == Schedule.ONCE
    assert wake.func == "securebase.newsletter.tasks.send_issue"
    assert abs(wake.next_run - retry.next_attempt_at) < timedelta(seconds=1)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING

    tasks.send_issue(issue.pk)  # too early: nothing is resent
    assert mails_to(mail_via_smtp, "busy@example.org") == []

    Delivery.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now())  # time passes
    tasks.send_issue(issue.pk)

    assert len(mails_to(mail_via_smtp, "busy@example.org")) == 1
    assert len(mails_to(mail_via_smtp, "ok@example.org")) == 1
    retry.refresh_from_db()
    assert (retry.status, retry.attempts) == (Delivery.Status.SENT, 2)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_gives_up_after_max_attempts_without_suppressing(
    mail_via_smtp, make_subscriber, issue
) -> None:
    make_subscriber("full@example.org")
    mail_via_smtp.recorder.refuse("full@example.org", 452, times=sending.MAX_ATTEMPTS)
    services.start_sending(issue.pk)
    for _ in range(sending.MAX_ATTEMPTS - 1):
        Delivery.objects.update(next_attempt_at=timezone.now())
        tasks.send_issue(issue.pk)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (
        Delivery.Status.FAILED_PERMANENT,
        sending.MAX_ATTEMPTS,
    )
    assert Subscriber.objects.filter(email="full@example.org").exists()
    assert not Suppression.objects.exists()


def test_mail_server_down_stops_the_run_and_retries(settings, make_subscriber, issue) -> None:
    from conftest import _free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    for n in range(3):
        make_subscriber(f"wait{n}@example.org")

    services.start_sending(issue.pk)

    statuses = sorted(Delivery.objects.values_list("status", flat=True))
    assert statuses == ["failed_temporary", "pending", "pending"]  # stopped after one try
    assert Schedule.objects.get(name=tasks.schedule_name(issue.pk)).next_run > timezone.now()
    assert Subscriber.objects.count() == 3


def test_restart_between_mails_sends_nobody_twice(mail_via_smtp, make_subscriber, issue) -> None:
    readers = [make_subscriber(f"restart{n}@example.org") for n in range(5)]
    Delivery.objects.bulk_create(Delivery(issue=issue, subscriber=r) for r in readers)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)

    report = sending.deliver(issue.pk, max_messages=2)  # the worker stops after two mails
    assert report is not None and report.more_due_now
    assert len(mail_via_smtp.messages) == 2

    tasks.send_issue(issue.pk)  # restarted worker
    tasks.send_issue(issue.pk)  # and a duplicate run, e.g. the watchdog schedule

    assert sorted(m["To"] for m in mail_via_smtp.messages) == sorted(r.email for r in readers)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


class WorkerKilled(BaseException):
    """Stands for SIGKILL/timeout: not an Exception, so nothing in the app can catch it."""


class DiesAfterThirdMail(EmailBackend):
    """Django's real SMTP backend, but the process 'dies' right after the 3rd mail was accepted."""

    sent = 0

    def send_messages(self, email_messages):
        count = super().send_messages(email_messages)
        type(self).sent += count
        if type(self).sent == 3:
            raise WorkerKilled
        return count


def test_crash_mid_send_never_sends_twice(settings, mail_via_smtp, make_subscriber, issue) -> None:
    readers = [make_subscriber(f"crash{n}@example.org") for n in range(5)]
    DiesAfterThirdMail.sent = 0
    settings.EMAIL_BACKEND = f"{__name__}.DiesAfterThirdMail"

    with pytest.raises(WorkerKilled):
        services.start_sending(issue.pk)

    assert len(mail_via_smtp.messages) == 3
    in_flight = Delivery.objects.get(status=Delivery.Status.SENDING)
    # The watchdog that will restart the send is already in place.
    assert Schedule.objects.filter(name=tasks.schedule_name(issue.pk)).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    tasks.send_issue(issue.pk)  # restart at once: the in-flight one is left alone
    assert Delivery.objects.get(pk=in_flight.pk).status == Delivery.Status.SENDING
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING

    Delivery.objects.filter(pk=in_flight.pk).update(
        claimed_at=timezone.now() - sending.STALE_AFTER - timedelta(seconds=1)
    )  # time passes
    tasks.send_issue(issue.pk)

    for reader in readers:
        assert len(mails_to(mail_via_smtp, reader.email)) == 1
    assert Delivery.objects.get(pk=in_flight.pk).status == Delivery.Status.UNKNOWN
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT

    # Operators may still decide to resend it; that is the only way it goes out again.
    assert services.retry_unknown([in_flight.pk]) == 1
    assert len(mails_to(mail_via_smtp, in_flight.subscriber.email)) == 2


def test_reader_who_leaves_mid_send_is_skipped(mail_via_smtp, make_subscriber, issue) -> None:
    stay, leave = make_subscriber("stay@example.org"), make_subscriber("leave@example.org")
    Delivery.objects.bulk_create(Delivery(issue=issue, subscriber=r) for r in (stay, leave))
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
    leave.delete()

    tasks.send_issue(issue.pk)

    assert [m["To"] for m in mail_via_smtp.messages] == ["stay@example.org"]
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["cancelled", "sent"]


def test_progress_counts(make_subscriber, issue) -> None:
    reader = make_subscriber("count@example.org")
    Delivery.objects.create(issue=issue, subscriber=reader, status=Delivery.Status.SENT)
    counts = sending.progress(issue)
    assert counts["sent"] == 1
    assert sum(counts.values()) == 1


def test_subject_with_line_break_is_refused(issue) -> None:
    from django.core.exceptions import ValidationError

    issue.subject = "Hello\r\nBcc: all@example.org"
    with pytest.raises(ValidationError):
        issue.full_clean()
