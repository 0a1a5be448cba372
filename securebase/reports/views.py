"""Result page, PDF download, report mail, taking it again, reminders, deletion and consent.

Every response that shows or depends on someone's result goes through
``private_response`` (no-store, noindex). Sessions and results come only from the quiz
services; the wording and numbers come from :mod:`securebase.reports.services`. The share
page and image are the exception on purpose: they depend on a style name alone, link only
to public pages and carry no token, so they are ordinary public pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from securebase.content.library import get_library
from securebase.core import limits
from securebase.core.http import post_only_or_redirect
from securebase.core.privacy import private_response
from securebase.quiz import hooks, sittings
from securebase.quiz import services as quiz
from securebase.quiz.views import SESSION_KEY as QUIZ_SESSION_KEY
from securebase.quiz.views import question_url
from securebase.reports.forms import AgainForm, ReminderForm, ReportEmailForm
from securebase.reports.pdf import pdf_for
from securebase.reports.services import (
    CHAIN_FULL,
    RETAKE_LIMITED,
    STYLE_NAMES,
    address_key,
    build_report_context,
    delete_all_sittings,
    delete_result,
    queue_report_email,
    reminder_calendar,
    retry_phrase,
    style_for_share_slug,
    was_deleted,
)
from securebase.reports.share import share_image

EMAIL_QUEUED = (
    "We are sending your report to that address. We delete the address as soon as it is sent."
)
EMAIL_LIMITED = (
    "You have asked us to email this report several times in the last hour, so we have "
    "paused it. You can try again {when}. You can download the PDF now."
)
PDF_LIMITED = (
    "You have downloaded this report many times in the last hour, so we have paused it. "
    "You can try again {when}, or have it emailed to you."
)
CONSENT_WITHDRAWN = (
    "Your research consent is withdrawn: your answers will not be used for research."
)


def _session_or_404(token: str) -> quiz.QuizSession:
    try:
        return quiz.get_session(token)
    except quiz.SessionNotFound:
        raise Http404("no such result") from None


def _missing_result(request: HttpRequest, token: str) -> HttpResponse:
    """A result link that leads nowhere says why, when we know, and offers a new quiz.

    A link whose person deleted it answers 410 Gone with "deleted"; any other unknown link
    (mistyped, cut short, or deleted before deleted links were remembered) says it does not
    exist or was deleted. Neither page shows or keeps the token.
    """
    deleted = was_deleted(token)
    response = render(
        request,
        "reports/missing.html",
        {"deleted": deleted},
        status=410 if deleted else 404,
    )
    return private_response(response)


def _resume(token: str) -> HttpResponse:
    """An unfinished quiz has no result yet: send the person back to their next question."""
    return private_response(redirect("quiz:question", token=token))


def _result_page(
    request: HttpRequest,
    session: quiz.QuizSession,
    form: ReportEmailForm | None = None,
    *,
    email_limited: str = "",
    pdf_limited: str = "",
    again_form: AgainForm | None = None,
    again_message: str = "",
    reminder_form: ReminderForm | None = None,
    status: int = 200,
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
        "email_limited": email_limited,
        "pdf_limited": pdf_limited,
        "again_form": again_form or AgainForm(initial={"form": session.form}),
        "again_message": again_message,
        "reminder_form": reminder_form or ReminderForm(initial={"months": 3}),
        "private_url": request.build_absolute_uri(reverse("reports:result", args=[report.token])),
        "share_url": request.build_absolute_uri(reverse("reports:share", args=[report.share_slug])),
    }
    return private_response(render(request, "reports/report.html", context, status=status))


def _held(request: HttpRequest, session: quiz.QuizSession, reason: str) -> HttpResponse:
    """A finished result that an app built on the quiz does not show yet (a study's rule)."""
    context = {"reason": reason, "token": session.token}
    return private_response(render(request, "reports/held.html", context))


@require_safe
def result(request: HttpRequest, token: str) -> HttpResponse:
    try:
        session = quiz.get_session(token)
    except quiz.SessionNotFound:
        return _missing_result(request, token)
    return _result_page(request, session)


@require_safe
def report_pdf(request: HttpRequest, token: str) -> HttpResponse:
    session = _session_or_404(token)
    waits = [
        limits.REPORT_PDF_PER_RESULT.reached(request, lambda group, request: token),
        limits.REPORT_PDF_PER_IP.reached(request),
    ]
    reached = [wait for wait in waits if wait is not None]
    if reached and session.is_completed:
        message = PDF_LIMITED.format(when=retry_phrase(max(reached)))
        return _result_page(request, session, pdf_limited=message, status=429)
    if reached:
        return _resume(token)
    if hooks.result_hold(session) and session.is_completed:
        return private_response(redirect("reports:result", token=token))
    try:
        pdf = pdf_for(session)
    except quiz.NotFinished:
        return _resume(token)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="securebase-report.pdf"'
    return private_response(response)


@post_only_or_redirect(lambda token: f"/results/{token}/#email-report")
def email_report(request: HttpRequest, token: str) -> HttpResponse:
    """Queue the report mail; every outcome comes back to the result, at the email action.

    A reached limit is not a dead end: the result page comes back (HTTP 429) with a message
    that says when sending works again, where the person is looking.
    """
    session = _session_or_404(token)
    if not session.is_completed:
        return _resume(token)
    if hooks.result_hold(session):
        return private_response(redirect("reports:result", token=token))
    wait = limits.REPORT_EMAIL_PER_IP.reached(request)
    if wait is not None:
        return _email_limited(request, session, wait)
    form = ReportEmailForm(request.POST)
    if not form.is_valid():
        return _result_page(request, session, form)
    email = form.cleaned_data["email"]
    # Both limits are counted on every valid request (no short-circuit), so trying
    # another address does not reset the count for this result, and vice versa.
    waits = [
        limits.REPORT_EMAIL_PER_RESULT.reached(request, lambda group, request: token),
        limits.REPORT_EMAIL_PER_ADDRESS.reached(request, lambda group, request: address_key(email)),
    ]
    reached = [wait for wait in waits if wait is not None]
    if reached:
        return _email_limited(request, session, max(reached))
    queue_report_email(session, email, subscribe=form.cleaned_data["subscribe"])
    messages.success(request, EMAIL_QUEUED, extra_tags="email")
    return private_response(redirect(reverse("reports:result", args=[token]) + "#email-status"))


def _email_limited(request: HttpRequest, session: quiz.QuizSession, wait: int) -> HttpResponse:
    message = EMAIL_LIMITED.format(when=retry_phrase(wait))
    return _result_page(request, session, email_limited=message, status=429)


@post_only_or_redirect(lambda token: f"/results/{token}/#again")
def again(request: HttpRequest, token: str) -> HttpResponse:
    """Start a new sitting linked to this result, and go to its first question.

    A full chain, a missing choice or a reached start limit come back to the result page at
    the "Take it again" form, with a message saying why; nothing is lost.
    """
    session = _session_or_404(token)
    if not session.is_completed:
        return _resume(token)
    form = AgainForm(request.POST)
    if not form.is_valid():
        return _result_page(request, session, again_form=form, status=422)
    if limits.QUIZ_START.reached(request) is not None:
        return _result_page(request, session, again_message=RETAKE_LIMITED, status=429)
    try:
        retake = sittings.start_again(token, form.cleaned_data["form"])
    except sittings.ChainFull:
        message = CHAIN_FULL.format(n=sittings.MAX_SITTINGS)
        return _result_page(request, session, again_message=message, status=409)
    request.session[QUIZ_SESSION_KEY] = retake.token
    # The form's address ends in #again (so an error shows at the form); name the place on
    # the question page too, or the browser would carry #again over to it.
    return private_response(redirect(question_url(retake.token, 1) + "#main"))


@require_safe
def reminder(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar file reminding the person to take the quiz again; nothing is stored."""
    session = _session_or_404(token)
    if not session.is_completed:
        return _resume(token)
    form = ReminderForm(request.GET)
    if not form.is_valid():
        return _result_page(request, session, reminder_form=form, status=400)
    private_url = request.build_absolute_uri(reverse("reports:result", args=[token]))
    response = HttpResponse(
        reminder_calendar(private_url, form.cleaned_data["months"]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="take-the-quiz-again.ics"'
    return private_response(response)


@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes at once and says what went.

    With linked sittings the person chooses: this sitting only (the others stay linked to
    each other) or every sitting. Deleting twice (a double click, the back button) shows the
    same confirmation instead of an error: the outcome the person wanted is true either way.
    """
    if request.method in ("GET", "HEAD"):
        session = _session_or_404(token)
        linked = len(sittings.chain_tokens(token))
        context = {"token": session.token, "linked": linked if linked > 1 else 0}
        return private_response(render(request, "reports/delete_confirm.html", context))
    tokens = sittings.chain_tokens(token)
    everything = request.POST.get("what") == "all"
    count = delete_all_sittings(token) if everything else int(delete_result(token))
    # The browser's "resume this quiz" memory would point at nothing now.
    if request.session.get(QUIZ_SESSION_KEY) in (tokens if everything else [token]):
        del request.session[QUIZ_SESSION_KEY]
    context = {"everything": everything, "count": count, "others": len(tokens) - 1}
    return private_response(render(request, "reports/deleted.html", context))


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


@require_safe
def share(request: HttpRequest, slug: str) -> HttpResponse:
    """Public page for sharing a style: its name and picture, nothing about the person."""
    style = _shared_style(slug)
    library_page = get_library().style(style)
    context = {"style": style, "name": STYLE_NAMES[style], "slug": slug, "page": library_page}
    return render(request, "reports/share.html", context)


@require_safe
def share_png(request: HttpRequest, slug: str) -> HttpResponse:
    """The share page's Open Graph image (PNG: social networks do not preview SVG)."""
    style = _shared_style(slug)
    response = HttpResponse(share_image(style, STYLE_NAMES[style]), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
