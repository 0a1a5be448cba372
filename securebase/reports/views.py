"""Result page, PDF download, report mail, deletion and consent withdrawal.

Every response that shows or depends on someone's result goes through
``private_response`` (no-store, noindex). Sessions and results come only from the quiz
services; the wording and numbers come from :mod:`securebase.reports.services`. The share
page and image are the exception on purpose: they depend on a style name alone, link only
to public pages and carry no token, so they are ordinary public pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from securebase.content.library import get_library
from securebase.core.http import post_only_or_redirect
from securebase.core.privacy import private_response
from securebase.core.views import rate_limited
from securebase.quiz import hooks
from securebase.quiz import services as quiz
from securebase.quiz.views import SESSION_KEY as QUIZ_SESSION_KEY
from securebase.reports.forms import ReportEmailForm
from securebase.reports.pdf import render_pdf
from securebase.reports.services import (
    STYLE_NAMES,
    address_key,
    build_report_context,
    queue_report_email,
    style_for_share_slug,
)
from securebase.reports.share import share_image

# A person may reasonably mail their report to themselves a couple of times; more than
# that from one result, to one address or from one network is somebody else's script.
EMAIL_RATE_PER_RESULT = "3/h"
EMAIL_RATE_PER_ADDRESS = "3/h"
EMAIL_RATE_PER_IP = "20/h"
# A PDF costs about 0.4 s of CPU; nobody needs their own report more often than this.
PDF_RATE_PER_RESULT = "20/h"
PDF_RATE_PER_IP = "60/h"

EMAIL_QUEUED = (
    "We are sending your report to that address. We delete the address as soon as it is sent."
)
CONSENT_WITHDRAWN = (
    "Your research consent is withdrawn: your answers will not be used for research."
)


def _rate(name: str, default: str) -> str:
    return str(getattr(settings, name, default))


def _session_or_404(token: str) -> quiz.QuizSession:
    try:
        return quiz.get_session(token)
    except quiz.SessionNotFound:
        raise Http404("no such result") from None


def _resume(token: str) -> HttpResponse:
    """An unfinished quiz has no result yet: send the person back to their next question."""
    return private_response(redirect("quiz:question", token=token))


def _result_page(
    request: HttpRequest, session: quiz.QuizSession, form: ReportEmailForm | None = None
) -> HttpResponse:
    held = hooks.result_hold(session)
    if held and session.is_completed:
        return _held(request, session, held)
    try:
        report = build_report_context(session)
    except quiz.NotFinished:
        return _resume(session.token)
    context = {
        "report": report,
        "email_form": form or ReportEmailForm(),
        "private_url": request.build_absolute_uri(reverse("reports:result", args=[report.token])),
    }
    return private_response(render(request, "reports/report.html", context))


def _held(request: HttpRequest, session: quiz.QuizSession, reason: str) -> HttpResponse:
    """A finished result that an app built on the quiz does not show yet (a study's rule)."""
    context = {"reason": reason, "token": session.token}
    return private_response(render(request, "reports/held.html", context))


@require_GET
def result(request: HttpRequest, token: str) -> HttpResponse:
    return _result_page(request, _session_or_404(token))


@require_GET
def report_pdf(request: HttpRequest, token: str) -> HttpResponse:
    session = _session_or_404(token)
    limited_token = is_ratelimited(
        request,
        group="reports.pdf.token",
        key=lambda group, request: token,
        rate=_rate("SECUREBASE_REPORT_PDF_RATE_PER_RESULT", PDF_RATE_PER_RESULT),
        increment=True,
    )
    limited_ip = is_ratelimited(
        request,
        group="reports.pdf.ip",
        key="ip",
        rate=_rate("SECUREBASE_REPORT_PDF_RATE_PER_IP", PDF_RATE_PER_IP),
        increment=True,
    )
    if limited_token or limited_ip:
        return private_response(rate_limited(request, Ratelimited()))
    if hooks.result_hold(session) and session.is_completed:
        return private_response(redirect("reports:result", token=token))
    try:
        pdf = render_pdf(session)
    except quiz.NotFinished:
        return _resume(token)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="securebase-report.pdf"'
    return private_response(response)


@post_only_or_redirect(lambda token: f"/results/{token}/#email-report")
def email_report(request: HttpRequest, token: str) -> HttpResponse:
    session = _session_or_404(token)
    if not session.is_completed:
        return _resume(token)
    if hooks.result_hold(session):
        return private_response(redirect("reports:result", token=token))
    if is_ratelimited(
        request,
        group="reports.email.ip",
        key="ip",
        rate=_rate("SECUREBASE_REPORT_EMAIL_RATE_PER_IP", EMAIL_RATE_PER_IP),
        increment=True,
    ):
        return private_response(rate_limited(request, Ratelimited()))
    form = ReportEmailForm(request.POST)
    if not form.is_valid():
        return _result_page(request, session, form)
    email = form.cleaned_data["email"]
    # Both limits are counted on every valid request (no short-circuit), so trying
    # another address does not reset the count for this result, and vice versa.
    limited_token = is_ratelimited(
        request,
        group="reports.email.token",
        key=lambda group, request: token,
        rate=_rate("SECUREBASE_REPORT_EMAIL_RATE_PER_RESULT", EMAIL_RATE_PER_RESULT),
        increment=True,
    )
    limited_address = is_ratelimited(
        request,
        group="reports.email.address",
        key=lambda group, request: address_key(email),
        rate=_rate("SECUREBASE_REPORT_EMAIL_RATE_PER_ADDRESS", EMAIL_RATE_PER_ADDRESS),
        increment=True,
    )
    if limited_token or limited_address:
        return private_response(rate_limited(request, Ratelimited()))
    queue_report_email(session, email, subscribe=form.cleaned_data["subscribe"])
    messages.success(request, EMAIL_QUEUED, extra_tags="email")
    return private_response(redirect(reverse("reports:result", args=[token]) + "#email-report"))


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes at once and says so.

    Deleting twice (a double click, the back button) shows the same confirmation instead
    of an error: the outcome the person wanted is true either way.
    """
    if request.method == "GET":
        session = _session_or_404(token)
        return private_response(
            render(request, "reports/delete_confirm.html", {"token": session.token})
        )
    quiz.delete_session(token)
    # The browser's "resume this quiz" memory would point at nothing now.
    if request.session.get(QUIZ_SESSION_KEY) == token:
        del request.session[QUIZ_SESSION_KEY]
    return private_response(render(request, "reports/deleted.html"))


@post_only_or_redirect(lambda token: f"/results/{token}/#your-data")
def withdraw_consent(request: HttpRequest, token: str) -> HttpResponse:
    try:
        quiz.withdraw_consent(token)
    except quiz.SessionNotFound:
        raise Http404("no such result") from None
    messages.success(request, CONSENT_WITHDRAWN, extra_tags="consent")
    return private_response(redirect(reverse("reports:result", args=[token]) + "#your-data"))


def _shared_style(slug: str) -> str:
    try:
        return style_for_share_slug(slug)
    except KeyError:
        raise Http404("no such style") from None


@require_GET
def share(request: HttpRequest, slug: str) -> HttpResponse:
    """Public page for sharing a style: its name and picture, nothing about the person."""
    style = _shared_style(slug)
    library_page = get_library().style(style)
    context = {"style": style, "name": STYLE_NAMES[style], "slug": slug, "page": library_page}
    return render(request, "reports/share.html", context)


@require_GET
def share_png(request: HttpRequest, slug: str) -> HttpResponse:
    """The share page's Open Graph image (PNG: social networks do not preview SVG)."""
    style = _shared_style(slug)
    response = HttpResponse(share_image(style, STYLE_NAMES[style]), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
