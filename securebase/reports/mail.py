"""The report mail: short and kind, a private link, the PDF attached.

The style is deliberately not named in the subject or body: inbox previews and
notifications are often seen by other people; the attachment is opened on purpose.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from securebase.reports.models import ReportEmail

SUBJECT = "Your securebase report"
ATTACHMENT_NAME = "securebase-report.pdf"


def report_message(report_email: ReportEmail, pdf: bytes) -> EmailMultiAlternatives:
    context = {
        "result_url": settings.SITE_URL
        + reverse("reports:result", args=[report_email.session.token]),
        "help_url": settings.SITE_URL + reverse("help"),
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
