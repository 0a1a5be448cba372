"""The report mail: a short summary, a private link, the help lines and the PDF attached.

The subject and the inbox preview line never name the style: previews and notifications
are often seen by other people. The body, which the person opens on purpose, carries the
headline and the two scores from the same :class:`ReportContext` as the page and the PDF.
The HTML part uses the shared mail layout (600px table, inline styles, no images or remote
resources); the plain-text part says the same, help lines included.
"""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from securebase.reports.chart import QUADRANT_COLOURS
from securebase.reports.models import ReportEmail
from securebase.reports.services import ReportContext, build_report_context

SUBJECT = "Your securebase report"
ATTACHMENT_NAME = "securebase-report.pdf"
HELP_LINES_TEMPLATE = "core/_help_lines.html"

# Pale backgrounds behind each style's colour (the colours themselves are the chart's).
STYLE_TINTS = {
    "secure": "#e4f1eb",
    "anxious": "#f7ebe2",
    "avoidant": "#e7edf6",
    "disorganized": "#f0e8f4",
}

_HEADING = re.compile(r"<h\d[^>]*>(.*?)</h\d>", re.S)
_ITEM = re.compile(r"<li[^>]*>", re.S)
_BLOCK_END = re.compile(r"</(p|ul|li)>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_as_text(fragment: str) -> str:
    """Plain text of a simple HTML fragment (headings, paragraphs, lists, links).

    Enough for the help lines, whose link texts are the numbers and site names themselves;
    it lets the plain-text part show the one list of help lines the page and PDF show.
    """
    text = _HEADING.sub(lambda m: f"\n\n{m.group(1).upper()}\n", fragment)
    text = _ITEM.sub("\n- ", text)
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def report_message(
    report_email: ReportEmail, pdf: bytes, report: ReportContext | None = None
) -> EmailMultiAlternatives:
    """The mail for one request, with ``pdf`` attached.

    ``report`` is the context the PDF was made from; pass it to avoid building it twice
    (it is built from the session otherwise).
    """
    report = report or build_report_context(report_email.session)
    context = {
        "report": report,
        "colour": {"ink": QUADRANT_COLOURS[report.style], "tint": STYLE_TINTS[report.style]},
        "result_url": settings.SITE_URL + reverse("reports:result", args=[report.token]),
        "help_lines": html_as_text(render_to_string(HELP_LINES_TEMPLATE, {"level": 3})),
        "subscribe": report_email.subscribe,
    }
    message = EmailMultiAlternatives(
        subject=SUBJECT,
        body=render_to_string("reports/email/report.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[report_email.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("reports/email/report.html", context), "text/html")
    message.attach(ATTACHMENT_NAME, pdf, "application/pdf")
    return message
