"""Addresses that cannot be a person's mailbox are refused by both forms and never mailed."""

import pytest
from django.test import Client

from securebase.newsletter.addresses import InvalidEmail, normalise_email
from securebase.newsletter.forms import SubscribeForm
from securebase.newsletter.models import Subscriber
from securebase.reports.forms import ReportEmailForm
from securebase.reports.models import ReportEmail
from securebase.reports.tests.factories import finished_session

NOT_MAILBOXES = [
    "a@localhost",
    "a@LOCALHOST",
    "a@intranet",
    "a@[127.0.0.1]",
    "a@[IPv6:::1]",
    "a@10.0.0.1",
    "a@example.",
]
MAILBOXES = ["a@example.org", "o'brien+quiz@mail.example.co.uk", "x@xn--bcher-kva.example"]


@pytest.mark.parametrize("address", NOT_MAILBOXES)
def test_local_and_ip_addresses_are_refused_everywhere(address: str) -> None:
    with pytest.raises(InvalidEmail):
        normalise_email(address)
    assert not SubscribeForm({"email": address}).is_valid()
    assert not ReportEmailForm({"email": address}).is_valid()


@pytest.mark.parametrize("address", MAILBOXES)
def test_ordinary_addresses_still_pass(address: str) -> None:
    assert normalise_email(address) == address.lower()
    assert SubscribeForm({"email": address}).is_valid()
    assert ReportEmailForm({"email": address}).is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["a@localhost", "a@[127.0.0.1]"])
def test_nothing_reaches_smtp_for_such_an_address(
    client: Client, mail_via_smtp, address: str
) -> None:
    session = finished_session("secure")
    report = client.post(f"/results/{session.token}/email/", {"email": address})
    subscribe = client.post("/newsletter/", {"email": address})

    assert report.status_code < 300 and subscribe.status_code == 400  # the forms again
    assert b"email address like name@example" in report.content
    assert not ReportEmail.objects.exists()
    assert not Subscriber.objects.exists()
    assert mail_via_smtp.messages == []
