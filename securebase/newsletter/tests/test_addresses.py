"""Addresses that cannot be a person's mailbox are refused by both forms and never mailed."""

import string

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


FULLWIDTH = str.maketrans({letter: chr(ord(letter) + 0xFEE0) for letter in string.ascii_letters})
# One mailbox, spelled the ways a browser, a phone keyboard or a copy-and-paste can spell
# it: letter case, fullwidth letters (an East Asian input method), a zero-width space.
LOOKALIKES = [
    "reader@example.org",
    "Reader@Example.ORG",
    "reader@example.org".translate(FULLWIDTH),
    "reader@exam\u200bple.org",
    "\u200breader@example.org\u200d",
    "reader\u2060@EXAMPLE.org",
]
RESERVED = [
    "a@sub.localhost",
    "a@localhost.localdomain",
    "a@printer.local",
    "a@x.invalid",
    "a@x.test",
    "a@x.example",
    "a@[127.0.0.1]",
    "a@127.0.0.1",
]
# Characters that change how the rest of the line is displayed (they can make an address
# read as another one) or that no keyboard types: refused, never silently dropped.
FORMAT_CHARACTERS = [
    "a@example.com\u202e",
    "\u202ea@example.com",
    "a\u2066@example.com\u2069",
    "a@exa\u0007mple.com",
]


@pytest.mark.parametrize("address", LOOKALIKES)
def test_lookalike_spellings_have_one_canonical_form(address: str) -> None:
    assert normalise_email(address) == "reader@example.org"
    subscribe_form = SubscribeForm({"email": address})
    assert subscribe_form.is_valid(), subscribe_form.errors
    assert subscribe_form.cleaned_data["email"] == "reader@example.org"
    report_form = ReportEmailForm({"email": address})
    assert report_form.is_valid(), report_form.errors
    assert report_form.cleaned_data["email"] == "reader@example.org"


def test_international_domains_are_kept_in_their_ascii_form() -> None:
    assert normalise_email("x@Bücher.de") == "x@xn--bcher-kva.de"
    assert normalise_email("x@xn--bcher-kva.de") == "x@xn--bcher-kva.de"
    assert normalise_email("x@" + "BÜCHER".translate(FULLWIDTH) + ".de") == "x@xn--bcher-kva.de"


@pytest.mark.parametrize("address", RESERVED)
def test_reserved_and_special_use_domains_are_refused(address: str, settings) -> None:
    settings.SECUREBASE_EMAIL_ALLOW_TEST_DOMAINS = False
    with pytest.raises(InvalidEmail):
        normalise_email(address)
    assert not SubscribeForm({"email": address}).is_valid()
    assert not ReportEmailForm({"email": address}).is_valid()


def test_tests_may_use_the_example_and_test_domains(settings) -> None:
    settings.SECUREBASE_EMAIL_ALLOW_TEST_DOMAINS = True
    assert normalise_email("a@x.example") == "a@x.example"
    assert normalise_email("a@x.test") == "a@x.test"
    with pytest.raises(InvalidEmail):
        normalise_email("a@sub.localhost")


@pytest.mark.parametrize("address", FORMAT_CHARACTERS)
def test_addresses_with_format_or_control_characters_are_refused(address: str) -> None:
    with pytest.raises(InvalidEmail):
        normalise_email(address)
    assert not SubscribeForm({"email": address}).is_valid()
    assert not ReportEmailForm({"email": address}).is_valid()


@pytest.mark.django_db
def test_a_direction_override_is_refused_at_the_report_form_with_a_clear_error(
    client: Client, mail_via_smtp
) -> None:
    session = finished_session("secure")
    response = client.post(f"/results/{session.token}/email/", {"email": "a@example.com\u202e"})

    assert response.status_code == 200  # the page again, with the message
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "hidden character" in html
    assert not ReportEmail.objects.exists()
    assert mail_via_smtp.messages == []


@pytest.mark.django_db
def test_lookalike_spellings_share_one_report_mail_limit(client: Client, settings) -> None:
    settings.SECUREBASE_REPORT_EMAIL_RATE_PER_ADDRESS = "3/h"
    statuses = [
        client.post(
            f"/results/{finished_session('secure').token}/email/", {"email": spelling}
        ).status_code
        for spelling in LOOKALIKES[:5]
    ]

    assert statuses == [302, 302, 302, 429, 429]
    assert set(ReportEmail.objects.values_list("email", flat=True)) <= {"reader@example.org", ""}


@pytest.mark.django_db
def test_lookalike_spellings_make_one_subscriber_and_share_one_limit(
    client: Client, mail_via_smtp
) -> None:
    for spelling in LOOKALIKES:
        assert client.post("/newsletter/", {"email": spelling}).status_code == 302

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["reader@example.org"]
    assert len(mail_via_smtp.messages) == 3  # the per-address limit, not one per spelling
