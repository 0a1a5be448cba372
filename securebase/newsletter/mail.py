"""Building the mails: confirmation and issues, plain text plus HTML, with RFC 8058 headers.

Every mail, the confirmation included, carries ``List-Unsubscribe`` (an absolute HTTPS
link built from ``SITE_URL``) and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
so mail providers can show their own "unsubscribe" button and POST it without cookies.
The HTML part shares the report mail's layout (``newsletter/email/_layout.html``): a
table at most 600 px wide with inline styles only, no images and no remote resources, so
it renders the same in the common clients and in a screen reader and loads nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.token import Token

from securebase.newsletter.models import Issue, reject_line_breaks
from securebase.newsletter.tokens import make_confirm_token, make_unsubscribe_token

ONE_CLICK = "List-Unsubscribe=One-Click"
# Markdown link or image targets that are site paths: "](/articles/x/)".
_SITE_PATH_TARGET = re.compile(r"\]\((/[^)\s]*)")


@cache
def _markdown() -> MarkdownIt:
    """CommonMark with tables; raw HTML disabled so an issue body cannot smuggle markup."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _absolutise(tokens: list[Token]) -> None:
    """Turn site paths (``/help/``) into full links: a mail has no page to be relative to."""
    for token in tokens:
        if token.children:
            _absolutise(token.children)
        for attr in ("href", "src"):
            value = token.attrGet(attr)
            if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                token.attrSet(attr, absolute(value))


def render_markdown(text: str) -> str:
    """Markdown to HTML for mails and the admin preview, with absolute site links."""
    md = _markdown()
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    _absolutise(tokens)
    return md.renderer.render(tokens, md.options, env)


def markdown_as_text(text: str) -> str:
    """The plain-text part: Markdown is already readable, only site paths become full links."""
    return _SITE_PATH_TARGET.sub(lambda m: f"]({absolute(m.group(1))}", text).strip()


def unsubscribe_url(unsubscribe_key: str) -> str:
    token = make_unsubscribe_token(unsubscribe_key)
    return absolute(reverse("newsletter:unsubscribe", args=[token]))


def confirm_url(subscriber_id: int, nonce: str) -> str:
    token = make_confirm_token(subscriber_id, nonce)
    return absolute(reverse("newsletter:confirm", args=[token]))


def _list_id() -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"securebase tips <tips.{host}>"


def _message(
    *, subject: str, to: str, text: str, html: str, unsubscribe_key: str
) -> EmailMultiAlternatives:
    reject_line_breaks(subject)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url(unsubscribe_key)}>",
            "List-Unsubscribe-Post": ONE_CLICK,
            "List-Id": _list_id(),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _footer_context(unsubscribe_key: str) -> dict[str, str]:
    return {
        "site_url": settings.SITE_URL,
        "help_url": absolute("/help/"),
        "newsletter_url": absolute(reverse("newsletter:subscribe")),
        "unsubscribe_url": unsubscribe_url(unsubscribe_key),
    }


def confirmation_message(
    *, to: str, subscriber_id: int, nonce: str, unsubscribe_key: str
) -> EmailMultiAlternatives:
    context = {
        **_footer_context(unsubscribe_key),
        "confirm_url": confirm_url(subscriber_id, nonce),
        "valid_days": 3,
    }
    return _message(
        subject="Please confirm your securebase newsletter subscription",
        to=to,
        text=render_to_string("newsletter/email/confirm.txt", context),
        html=render_to_string("newsletter/email/confirm.html", context),
        unsubscribe_key=unsubscribe_key,
    )


@dataclass(frozen=True)
class RenderedIssue:
    """The parts of an issue that are the same for every reader, rendered once per run."""

    subject: str
    preheader: str
    text: str
    html: str

    @classmethod
    def of(cls, issue: Issue) -> RenderedIssue:
        return cls(
            subject=issue.subject,
            preheader=issue.preheader,
            text=markdown_as_text(issue.body_markdown),
            html=render_markdown(issue.body_markdown),
        )


def issue_message(
    rendered: RenderedIssue, *, to: str, unsubscribe_key: str
) -> EmailMultiAlternatives:
    context = {
        **_footer_context(unsubscribe_key),
        "subject": rendered.subject,
        "preheader": rendered.preheader,
        "body_text": rendered.text,
        "body_html": rendered.html,
    }
    return _message(
        subject=rendered.subject,
        to=to,
        text=render_to_string("newsletter/email/issue.txt", context),
        html=render_to_string("newsletter/email/issue.html", context),
        unsubscribe_key=unsubscribe_key,
    )
