"""The free PDF report, drawn by WeasyPrint from the same report context as the result page.

The PDF has its own print layout (``reports/pdf/report.html``: a cover with the style, its
illustration, the chart and the date; then the pages about the person; then the research
with numbered references, at most a page and a half), but not its own words: every sentence
that interprets a number comes from :func:`securebase.reports.services.build_report_context`,
like the page's and the mail's.

Laying out a report is the costliest work the site does, so each result's PDF is made
once and kept (:class:`~securebase.reports.models.ReportPDF`, deleted with the result) under
a fingerprint of the HTML it was drawn from: the next download or mail of an unchanged
result is a database read, and anything that changes the report makes a new PDF.

WeasyPrint never touches the network here: :class:`StaticFileFetcher` answers requests for
``/static/...`` from files on disk (collected files in production, app folders in
development) and refuses everything else. Fonts come from the system via fontconfig
(DejaVu on Debian), so nothing is downloaded while someone waits for their report.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from securebase.reports.models import ReportPDF
from securebase.reports.services import ReportContext, build_report_context

if TYPE_CHECKING:
    from securebase.quiz.models import QuizSession

REPORT_TEMPLATE = "reports/pdf/report.html"
PRINT_STYLESHEET = "reports/report-print.css"


def static_file(name: str) -> bytes | None:
    """Bytes of a static file by its (possibly hashed) name, or ``None``.

    The collected copy is tried first (hashed names only exist there), then the app
    folders, so the PDF looks the same with or without ``collectstatic``.
    """
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as handle:
                return bytes(handle.read())
        found = finders.find(name)
    except (SuspiciousFileOperation, ValueError):
        return None
    if not found:
        return None
    with open(found, "rb") as handle:
        return handle.read()


class StaticFileFetcher(URLFetcher):
    """Serve ``<SITE_URL>/static/...`` from disk and ``data:`` URLs; refuse the rest."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = f"{settings.SITE_URL}{settings.STATIC_URL}"
        if not url.startswith(prefix):
            raise ValueError("the report loads nothing from the network")
        name = unquote(urlsplit(url).path)[len(urlsplit(prefix).path) :]
        body = static_file(name)
        if body is None:
            raise ValueError("static file not found")
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime_type})


def render_report_html(report: ReportContext) -> str:
    """The HTML WeasyPrint lays out; links are written out in full, since paper has no site."""
    return render_to_string(REPORT_TEMPLATE, {"report": report, "site_url": settings.SITE_URL})


def _write_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=f"{settings.SITE_URL}/", url_fetcher=StaticFileFetcher())
    # Tagged PDF: screen readers get headings, lists and reading order (costs little).
    pdf: bytes = document.write_pdf(pdf_tags=True)
    return pdf


def fingerprint(html: str) -> str:
    """What a PDF was drawn from: the report's HTML and the print stylesheet it links."""
    digest = hashlib.sha256(html.encode())
    digest.update(static_file(PRINT_STYLESHEET) or b"")
    return digest.hexdigest()


def pdf_for(session: QuizSession, report: ReportContext | None = None) -> bytes:
    """The PDF of a finished session: the kept one if nothing changed, else a new one.

    ``report`` saves building the context twice when the caller already has it (the mail
    task). Raises ``NotFinished`` (from the quiz services) when there is no result yet.
    """
    report = report or build_report_context(session)
    html = render_report_html(report)
    drawn_from = fingerprint(html)
    kept = (
        ReportPDF.objects.filter(session=session, fingerprint=drawn_from)
        .values_list("pdf", flat=True)
        .first()
    )
    if kept is not None:
        return bytes(kept)
    pdf = _write_pdf(html)
    # If the result was deleted meanwhile, serve this copy and keep none.
    with contextlib.suppress(IntegrityError), transaction.atomic():
        ReportPDF.objects.update_or_create(
            session=session, defaults={"fingerprint": drawn_from, "pdf": pdf}
        )
    return pdf
