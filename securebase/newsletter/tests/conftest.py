"""Newsletter test helpers: real rows made through the services, real mail through aiosmtpd."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from django.conf import settings
from django.utils import timezone

from securebase.newsletter.models import Issue, Subscriber


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def link_in(message: EmailMessage, kind: str) -> str:
    """The site path of the first ``/newsletter/<kind>/...`` link in the plain-text part."""
    match = re.search(
        re.escape(settings.SITE_URL) + rf"(/newsletter/{kind}/[^\s/]+/)", text_of(message)
    )
    assert match, f"no {kind} link in mail"
    return match.group(1)


def mails_to(server, address: str) -> list[EmailMessage]:
    return [m for m in server.messages if m["To"] == address]


@pytest.fixture
def make_subscriber() -> Callable[..., Subscriber]:
    def make(email: str, *, confirmed: bool = True) -> Subscriber:
        return Subscriber.objects.create(
            email=email,
            status=Subscriber.Status.CONFIRMED if confirmed else Subscriber.Status.PENDING,
            confirmed_at=timezone.now() if confirmed else None,
            confirm_nonce="" if confirmed else "n" * 43,
        )

    return make


@pytest.fixture
def issue() -> Issue:
    return Issue.objects.create(
        subject="Three small ways to feel closer",
        preheader="Tiny steps, backed by research.",
        body_markdown=(
            "## Name one need\n\nSay it in one sentence. See [the styles](/styles/secure/).\n\n"
            "<script>alert(1)</script>\n"
        ),
    )
