"""Double opt-in through a real SMTP server: subscribe, mail, GET shows, POST confirms, once."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client

from securebase.core.limits import NEWSLETTER_PER_ADDRESS, NEWSLETTER_SUBSCRIBE
from securebase.newsletter import services
from securebase.newsletter.models import Subscriber
from securebase.newsletter.tests.conftest import link_in, text_of
from securebase.newsletter.tokens import CONFIRM_SALT, confirm_payload

pytestmark = pytest.mark.django_db


def subscribe(client: Client, email: str):
    return client.post("/newsletter/", {"email": email})


def test_subscribe_page_explains_what_is_kept(client: Client) -> None:
    response = client.get("/newsletter/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Only your email address" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_double_opt_in_with_single_use_link(client: Client, mail_via_smtp) -> None:
    response = subscribe(client, "  Reader@Example.ORG ")
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-inbox/"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.org"
    assert subscriber.status == Subscriber.Status.PENDING

    [message] = mail_via_smtp.recorder.wait_for(1)
    assert message["To"] == "reader@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = link_in(message, "confirm")

    # A mail scanner opening the link changes nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my subscription" in page.content.decode()
    assert page["Cache-Control"] == "no-store, private"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    done = client.post(link)
    assert done.status_code == 200
    assert "You are subscribed" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert subscriber.confirm_nonce == ""

    again = client.post(link)
    assert "Already confirmed" in again.content.decode()
    assert services.confirm_subscription(link.split("/")[3]) is services.LinkState.ALREADY_CONFIRMED


def test_confirmation_post_needs_csrf(mail_via_smtp) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get("/newsletter/")
    browser.post(
        "/newsletter/",
        {"email": "csrf@example.org", "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )
    link = link_in(mail_via_smtp.recorder.wait_for(1)[0], "confirm")
    assert Client(enforce_csrf_checks=True).post(link).status_code == 403
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_link_of_a_removed_address_is_single_use(client: Client, mail_via_smtp) -> None:
    subscribe(client, "gone@example.org")
    link = link_in(mail_via_smtp.recorder.wait_for(1)[0], "confirm")
    Subscriber.objects.all().delete()
    response = client.post(link)
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_resent_link_and_old_link_both_confirm_once(client: Client, mail_via_smtp) -> None:
    subscribe(client, "twice@example.org")
    subscribe(client, "twice@example.org")
    first, second = mail_via_smtp.recorder.wait_for(2)
    assert client.post(link_in(first, "confirm")).status_code == 200
    assert "Already confirmed" in client.post(link_in(second, "confirm")).content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


class FourDaysAgo(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)


def test_expired_link_changes_nothing(client: Client, make_subscriber) -> None:
    pending = make_subscriber("late@example.org", confirmed=False)
    token = FourDaysAgo(salt=CONFIRM_SALT).sign_object(
        confirm_payload(pending.pk, pending.confirm_nonce)
    )
    for method in (client.get, client.post):
        response = method(f"/newsletter/confirm/{token}/")
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_tampered_link_changes_nothing(client: Client, make_subscriber) -> None:
    pending = make_subscriber("tamper@example.org", confirmed=False)
    token = signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        confirm_payload(pending.pk, pending.confirm_nonce)
    )
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/newsletter/confirm/{forged}/").status_code == 400
    wrong_nonce = signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        confirm_payload(pending.pk, "guess")
    )
    assert client.post(f"/newsletter/confirm/{wrong_nonce}/").status_code == 400
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_same_answer_for_known_and_unknown_addresses(
    client: Client,
    mail_via_smtp,
    make_subscriber,
) -> None:
    make_subscriber("known@example.org")
    known = subscribe(client, "known@example.org")
    unknown = subscribe(client, "unknown@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    mail_via_smtp.recorder.wait_for(1)
    # The confirmed reader is not pestered; only the new address gets a confirmation.
    assert [m["To"] for m in mail_via_smtp.messages] == ["unknown@example.org"]
    assert Subscriber.objects.get(email="known@example.org").status == "confirmed"


@pytest.mark.parametrize(
    "evil",
    [
        "victim@example.org\r\nBcc: everyone@example.org",
        "victim@example.org\nSubject: hi",
        "a@example.org, b@example.org",
        "Someone <a@example.org>",
    ],
)
def test_header_injection_is_rejected_and_value_kept(client: Client, evil: str) -> None:
    response = subscribe(client, evil)
    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot contain line breaks" in body
    assert 'aria-invalid="true"' in body
    assert "victim@example.org" in body or "a@example.org" in body
    assert not Subscriber.objects.exists()


def test_invalid_address_gets_a_plain_message(client: Client) -> None:
    body = subscribe(client, "not-an-address").content.decode()
    assert "does not look like an email address" in body
    assert 'value="not-an-address"' in body
    with pytest.raises(ValueError):
        services.request_subscription("not-an-address")


def test_rate_limited_per_ip(client: Client) -> None:
    allowed = int(NEWSLETTER_SUBSCRIBE.rate.split("/")[0])
    for n in range(allowed):
        assert subscribe(client, f"p{n}@example.org").status_code == 302
    response = subscribe(client, "one-more@example.org")
    assert response.status_code == 429
    assert not Subscriber.objects.filter(email="one-more@example.org").exists()


def test_per_address_limit_stops_mail_bombing(mail_via_smtp) -> None:
    per_hour = int(NEWSLETTER_PER_ADDRESS.rate.split("/")[0])
    for _ in range(per_hour + 3):
        services.request_subscription("target@example.org")
    mail_via_smtp.recorder.wait_for(per_hour)
    assert len(mail_via_smtp.messages) == per_hour


def test_confirmation_mail_is_readable(client: Client, mail_via_smtp) -> None:
    subscribe(client, "read@example.org")
    [message] = mail_via_smtp.recorder.wait_for(1)
    text = text_of(message)
    assert "works once and for 3 days" in text
    assert "This is not a diagnosis" in text
    assert link_in(message, "unsubscribe")


def test_apostrophes_and_plus_addresses_are_welcome(client: Client) -> None:
    assert subscribe(client, "O'Brien+tips@Example.org").status_code == 302
    assert Subscriber.objects.get().email == "o'brien+tips@example.org"
