"""RFC 8058 one-click unsubscribe: a cookieless POST deletes the address and answers 200."""

from __future__ import annotations

import pytest
from django.test import Client

from securebase.newsletter.mail import unsubscribe_url
from securebase.newsletter.models import Delivery, Subscriber
from securebase.newsletter.tokens import make_unsubscribe_token

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def path_for(subscriber: Subscriber) -> str:
    return f"/newsletter/unsubscribe/{make_unsubscribe_token(subscriber.unsubscribe_key)}/"


def provider_post(path: str):
    """What Gmail or Yahoo send: a form POST, no cookies, no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    return client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def test_one_click_post_deletes_and_answers_200(make_subscriber, issue) -> None:
    reader = make_subscriber("leave@example.org")
    Delivery.objects.create(issue=issue, subscriber=reader, status=Delivery.Status.SENT)
    response = provider_post(path_for(reader))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not Subscriber.objects.filter(email="leave@example.org").exists()
    # The anonymous fact of the delivery stays for the operators' counts, the address does not.
    assert Delivery.objects.get().subscriber is None


def test_repeated_one_click_is_still_200(make_subscriber) -> None:
    path = path_for(make_subscriber("again@example.org"))
    assert provider_post(path).status_code == 200
    second = provider_post(path)
    assert second.status_code == 200
    assert "not on our list" in second.content.decode()


def test_get_changes_nothing(client: Client, make_subscriber) -> None:
    reader = make_subscriber("stay@example.org")
    response = client.get(path_for(reader))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<form method="post">' in body
    assert 'name="List-Unsubscribe" value="One-Click"' in body
    assert response["X-Robots-Tag"].startswith("noindex")
    assert Subscriber.objects.filter(pk=reader.pk).exists()


def test_form_button_unsubscribes_too(make_subscriber) -> None:
    reader = make_subscriber("button@example.org")
    response = Client(enforce_csrf_checks=True).post(
        path_for(reader), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("mangle", ["cut", "swap", "foreign"])
def test_tampered_token_changes_nothing(make_subscriber, mangle: str) -> None:
    reader = make_subscriber("safe@example.org")
    other = make_subscriber("other@example.org")
    token = make_unsubscribe_token(reader.unsubscribe_key)
    key, signature = token.split(":")
    bad = {
        "cut": token[:-5],
        "swap": f"{other.unsubscribe_key}:{signature}",
        "foreign": f"{key}:{'A' * len(signature)}",
    }[mangle]
    for method in ("get", "post"):
        response = getattr(Client(enforce_csrf_checks=True), method)(
            f"/newsletter/unsubscribe/{bad}/"
        )
        assert response.status_code == 400
    assert Subscriber.objects.count() == 2


def test_unsubscribe_url_is_absolute(make_subscriber, settings) -> None:
    settings.SITE_URL = "https://securebase.example"
    reader = make_subscriber("abs@example.org")
    assert unsubscribe_url(reader.unsubscribe_key).startswith(
        "https://securebase.example/newsletter/unsubscribe/"
    )
