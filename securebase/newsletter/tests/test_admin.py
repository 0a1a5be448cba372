"""Operators: preview, test mail to themselves, confirmed send, watching progress."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from securebase.newsletter.addresses import address_hash
from securebase.newsletter.models import Delivery, Issue, Suppression

pytestmark = pytest.mark.django_db

CHANGELIST = "/operators/newsletter/issue/"


@pytest.fixture
def operator(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("op", "op@example.org", "pw-long-enough")
    client.force_login(user)
    return client


def test_preview_renders_the_mail(operator: Client, issue: Issue) -> None:
    page = operator.get(f"{CHANGELIST}{issue.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<h2>Name one need</h2>" in body
    assert "&lt;script&gt;" in body
    full = operator.get(f"{CHANGELIST}{issue.pk}/preview/")
    assert full.status_code == 200
    assert "Unsubscribe with one click" in full.content.decode()


def test_test_mail_goes_only_to_the_operator(
    operator, mail_via_smtp, make_subscriber, issue
) -> None:
    make_subscriber("reader@example.org")
    response = operator.post(
        CHANGELIST, {"action": "send_test_mail", "_selected_action": [issue.pk]}, follow=True
    )
    assert response.status_code == 200
    [message] = mail_via_smtp.recorder.wait_for(1)
    assert message["To"] == "op@example.org"
    assert message["Subject"] == f"[Test] {issue.subject}"
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert not Delivery.objects.exists()


def test_send_asks_first_then_sends_to_confirmed(
    operator, mail_via_smtp, make_subscriber, issue
) -> None:
    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    make_subscriber("p@example.org", confirmed=False)
    ask = operator.post(
        CHANGELIST, {"action": "send_to_subscribers", "_selected_action": [issue.pk]}
    )
    assert ask.status_code == 200
    assert "2</strong> confirmed subscribers" in ask.content.decode()
    assert mail_via_smtp.messages == []

    done = operator.post(
        CHANGELIST,
        {"action": "send_to_subscribers", "_selected_action": [issue.pk], "confirm": "yes"},
        follow=True,
    )
    assert "Sending" in done.content.decode()
    mail_via_smtp.recorder.wait_for(2)
    assert sorted(m["To"] for m in mail_via_smtp.messages) == ["a@example.org", "b@example.org"]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT

    page = operator.get(f"{CHANGELIST}{issue.pk}/change/").content.decode()
    assert '<progress max="2" value="2">' in page
    assert 'name="subject"' not in page  # a sent issue can no longer be edited
    deliveries = operator.get("/operators/newsletter/delivery/?status__exact=sent")
    assert deliveries.status_code == 200
    assert "a@example.org" not in deliveries.content.decode()


def test_suppression_search_by_address(operator: Client) -> None:
    Suppression.objects.create(address_hash=address_hash("bounce@example.org"), smtp_code=550)
    found = operator.get("/operators/newsletter/suppression/?q=Bounce@example.org")
    assert "1 suppression" in found.content.decode()
    missing = operator.get("/operators/newsletter/suppression/?q=other@example.org")
    assert "0 suppressions" in missing.content.decode()
