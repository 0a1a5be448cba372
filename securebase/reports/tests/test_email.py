"""The report mail through a real SMTP server (aiosmtpd): delivery, retries, failures, and
what the message looks like to a mail client (parts, layout, words, attachment)."""

import email
import email.policy
import io
import logging
import re
import socket
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from securebase.newsletter.mail import (
    RenderedIssue,
    confirmation_message,
    issue_message,
    render_markdown,
)
from securebase.reports.models import ReportEmail
from securebase.reports.services import REPORT_TASK, build_report_context, queue_report_email
from securebase.reports.tasks import MAX_ATTEMPTS, send_report_email
from securebase.reports.tests.factories import finished_session
from securebase.reports.tests.pdf_tools import pdf_info, pdf_words

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"


def test_report_arrives_with_a_valid_pdf_and_the_address_is_forgotten(
    client, session, mail_via_smtp, caplog
):
    caplog.set_level(logging.DEBUG)
    response = client.post(f"/results/{session.token}/email/", {"email": ADDRESS})
    assert response.status_code == 302

    (message,) = mail_via_smtp.recorder.wait_for(1)
    assert message["To"] == ADDRESS
    assert message["Subject"] == "Your securebase report"
    plain = message.get_body(("plain",)).get_content()
    assert "This is not a diagnosis." in plain
    assert f"/results/{session.token}/" in plain
    assert message.get_body(("html",)) is not None
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "securebase-report.pdf"
    pages, text = pdf_info(attachment.get_content())
    assert pages >= 2 and "Anxious" in text

    row = ReportEmail.objects.get(session=session)
    assert (row.status, row.email, row.attempts) == (ReportEmail.Status.SENT, "", 1)
    assert row.sent_at is not None
    assert ADDRESS not in caplog.text
    assert session.token not in caplog.text


def test_temporary_failure_is_retried_later(session, mail_via_smtp):
    mail_via_smtp.recorder.refuse(ADDRESS, 451)
    row = queue_report_email(session, ADDRESS, subscribe=False)  # first try runs inline

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error_code) == ("queued", 1, 451)
    assert row.email == ADDRESS
    retry = Schedule.objects.get(func=REPORT_TASK)
    assert retry.schedule_type == Schedule.ONCE
    assert retry.args == f"({row.pk},)"
    assert retry.next_run > timezone.now()
    assert mail_via_smtp.messages == []

    assert send_report_email(row.pk) == "sent"  # what the schedule runs
    mail_via_smtp.recorder.wait_for(1)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.email) == ("sent", 2, "")


def test_backoff_grows_and_gives_up_after_the_last_attempt(session, mail_via_smtp):
    mail_via_smtp.recorder.refuse(ADDRESS, 421, times=MAX_ATTEMPTS)
    row = queue_report_email(session, ADDRESS, subscribe=False)
    for _ in range(MAX_ATTEMPTS - 1):
        send_report_email(row.pk)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.email) == ("failed", MAX_ATTEMPTS, "")
    runs = sorted(Schedule.objects.filter(func=REPORT_TASK).values_list("next_run", flat=True))
    assert len(runs) == MAX_ATTEMPTS - 1
    assert runs == sorted(runs)
    assert send_report_email(row.pk) == "nothing to send"


def test_permanent_failure_is_final_and_forgets_the_address(session, mail_via_smtp):
    mail_via_smtp.recorder.refuse(ADDRESS, 550)
    row = queue_report_email(session, ADDRESS, subscribe=True)

    row.refresh_from_db()
    assert (row.status, row.email, row.last_error_code) == ("failed", "", 550)
    assert not Schedule.objects.filter(func=REPORT_TASK).exists()
    assert mail_via_smtp.messages == []


def test_unreachable_server_is_a_temporary_failure(session, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2

    row = queue_report_email(session, ADDRESS, subscribe=False)

    row.refresh_from_db()
    assert (row.status, row.last_error_code, row.email) == ("queued", None, ADDRESS)
    assert Schedule.objects.filter(func=REPORT_TASK).count() == 1


def test_subscriber_gets_the_report_and_a_newsletter_confirmation(client, session, mail_via_smtp):
    client.post(f"/results/{session.token}/email/", {"email": ADDRESS, "subscribe": "1"})

    messages = mail_via_smtp.recorder.wait_for(2)
    assert sorted(m["To"] for m in messages) == [ADDRESS, ADDRESS]
    assert ReportEmail.objects.get(session=session).email == ""


def test_purge_removes_only_stale_rows_that_still_hold_an_address(session):
    stale = ReportEmail.objects.create(session=session, email="stale@example.org")
    fresh = ReportEmail.objects.create(session=session, email="fresh@example.org")
    done = ReportEmail.objects.create(session=session, email="", status="sent")
    day_ago = timezone.now() - timedelta(days=1, minutes=1)
    ReportEmail.objects.filter(pk__in=[stale.pk, done.pk]).update(created_at=day_ago)

    call_command("purge_report_emails", stdout=io.StringIO())

    assert set(ReportEmail.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}


def test_stale_address_purge_is_scheduled_daily_for_the_worker(session):
    from django_q.models import Schedule

    from securebase.reports.tasks import purge_report_emails

    schedule = Schedule.objects.get(name="reports-purge-stale-emails")
    assert schedule.func == "securebase.reports.tasks.purge_report_emails"
    assert schedule.schedule_type == Schedule.DAILY
    stale = ReportEmail.objects.create(session=session, email="stale@example.org")
    ReportEmail.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert purge_report_emails() == 1


# The shared layout's header: the name on the brand colour, the same in every mail.
HEADER_BAND = re.compile(r'<td style="[^"]*background-color:#00606f;[^"]*">securebase</td>')


class _MailHTML(HTMLParser):
    """Collects what a mail client cares about: tags, their attributes and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def assert_mail_html(html: str) -> str:
    """Check the rules every securebase mail follows; return its visible text.

    Table layout at most 600px wide with inline styles (no <style> block a client may drop),
    nothing loaded from anywhere (no images, stylesheets or scripts) and no tracking
    parameters on links.
    """
    parsed = _MailHTML()
    parsed.feed(html)
    names = [tag for tag, _ in parsed.tags]
    for forbidden in ("style", "link", "script", "img", "iframe"):
        assert forbidden not in names, forbidden
    assert not any("src" in attrs or "background" in attrs for _, attrs in parsed.tags)
    tables = [attrs for tag, attrs in parsed.tags if tag == "table"]
    assert any("max-width:600px" in attrs.get("style", "") for attrs in tables)
    for tag, attrs in parsed.tags:
        if tag in ("table", "td"):
            assert attrs.get("style"), f"<{tag}> without inline style"
        width = attrs.get("width", "100%")
        assert width == "100%" or int(width) <= 600, (tag, width)
        for pixels in re.findall(r"width:\s*(\d+)px", attrs.get("style", "")):
            assert int(pixels) <= 600, (tag, attrs["style"])
        href = attrs.get("href", "")
        assert "?" not in href and "utm_" not in href, href
        assert not href or href.startswith(("https://", "http://127.0.0.1", "tel:", "sms:")), href
    return " ".join("".join(parsed.text).split())


def test_fearful_avoidant_report_mail_as_a_mail_client_sees_it(client, mail_via_smtp):
    session = finished_session("disorganized")
    report = build_report_context(session)
    client.post(f"/results/{session.token}/email/", {"email": ADDRESS})

    (message,) = mail_via_smtp.recorder.wait_for(1)
    assert message.get_content_type() == "multipart/mixed"
    (alternative, attachment) = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    html_text = assert_mail_html(html)
    assert HEADER_BAND.search(html)

    # Subject and inbox preview keep the result private; the body carries it.
    assert "Fearful" not in message["Subject"]
    preview = re.search(r'<div style="display:none[^>]*>(.*?)</div>', html, re.S)
    assert preview and "fearful" not in preview.group(1).lower()
    for text in (html_text, " ".join(plain.split())):
        assert "Fearful-avoidant" in text
        assert "isorganized" not in text
        assert report.meaning in text and report.certainty in text
        # The statistical detail of "how sure" stays in the PDF; the mail points to it.
        assert "The PDF says more about how sure this is." in text
        for sentence in report.how_sure:
            assert sentence not in text
        for dimension in report.dimensions:
            assert dimension.range_sentence in text
            # A quick test says how many questions each score rests on.
            assert report.form == "adaptive" and dimension.basis_sentence in text
        assert report.norm.sentence and report.norm.sentence in text
        assert "n=" not in text
        for number in ("988", "116 123", "13 11 14", "741741", "1-800-799-7233"):
            assert number in text, number
        assert "This is not a diagnosis." in text
    assert 'href="tel:116123"' in html
    assert f"/results/{session.token}/" in plain and f"/results/{session.token}/" in html

    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF-")
    pages, _ = pdf_info(pdf)
    assert 4 <= pages <= 5
    assert "Fearful-avoidant" in pdf_words(pdf)


def _parsed(message):
    """A Django message as a mail client reads it (the bytes that would go over SMTP)."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def test_newsletter_mails_share_the_report_mail_layout(settings):
    settings.SITE_URL = "https://securebase.example"
    confirm = _parsed(
        confirmation_message(to=ADDRESS, subscriber_id=1, nonce="n", unsubscribe_key="k")
    )
    rendered = RenderedIssue(
        subject="Tips",
        preheader="Small steps",
        text="See [help](/help/).",
        html=render_markdown("## Small steps\n\nSee [help](/help/)."),
    )
    issue = _parsed(issue_message(rendered, to=ADDRESS, unsubscribe_key="k"))

    for message in (confirm, issue):
        html = message.get_body(("html",)).get_content()
        assert HEADER_BAND.search(html)
        assert "Unsubscribe with one click" in assert_mail_html(html)
    assert "Confirm my subscription" in assert_mail_html(confirm.get_body(("html",)).get_content())
