"""Quiz pages: choose a form, then one question per screen.

Thin on purpose: every rule lives in :mod:`securebase.quiz.services`. Every page works
without JavaScript (plain POST, then redirect-after-post); with htmx the same forms are
boosted and the view answers with the next question directly instead of a redirect,
so the question area is swapped without a full page load.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from securebase.core.privacy import private_response
from securebase.core.views import rate_limited
from securebase.psychometrics import item_bank
from securebase.quiz import services
from securebase.quiz.forms import AnswerForm, BackForm, StartForm
from securebase.quiz.models import QuizSession
from securebase.quiz.ratelimits import start_is_limited

# The Django session (cookie) remembers this browser's quiz so it can resume it.
SESSION_KEY = "quiz_token"


def result_url(token: str) -> str:
    return f"/results/{token}/"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _remembered_session(request: HttpRequest) -> QuizSession | None:
    """This browser's quiz, if it still exists; forgets a deleted or purged one."""
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    try:
        return services.get_session(token)
    except services.SessionNotFound:
        del request.session[SESSION_KEY]
        return None


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    remembered = _remembered_session(request)
    if request.method == "POST":
        form = StartForm(request.POST)
        if form.is_valid():
            if start_is_limited(request):
                return rate_limited(request, Exception("quiz start rate limit"))
            if remembered is not None and not remembered.is_completed:
                # "Start again" is explained on the page: the unfinished answers go.
                services.delete_session(remembered.token)
            session = services.start_session(
                form.cleaned_data["form"], form.cleaned_data["consent_research"]
            )
            request.session[SESSION_KEY] = session.token
            return private_response(redirect("quiz:question", token=session.token))
        status = 422
    else:
        form = StartForm()
        status = 200
    in_progress = remembered if remembered and not remembered.is_completed else None
    context = {
        "form": form,
        "in_progress": in_progress,
        "step": services.current_step(in_progress) if in_progress else None,
        "finished": remembered if remembered and remembered.is_completed else None,
        "result_url": result_url(remembered.token) if remembered else None,
    }
    return private_response(render(request, "quiz/start.html", context, status=status))


def _session_or_404(token: str) -> QuizSession:
    try:
        return services.get_session(token)
    except services.SessionNotFound:
        raise Http404("no such quiz") from None


def _render_question(
    request: HttpRequest, session: QuizSession, error: str = "", status: int = 200
) -> HttpResponse:
    step = services.current_step(session)
    if step.done:
        return _to_result(request, session.token)
    labels = item_bank().response_labels
    options = [
        {"value": value, "label": label, "pressed": step.previous_value == value}
        for value, label in enumerate(labels, start=1)
    ]
    question_url = reverse("quiz:question", kwargs={"token": session.token})
    context = {
        "step": step,
        "options": options,
        "error": error,
        "percent": round(step.progress * 100),
        "question_url": question_url,
        "back_url": reverse("quiz:back", kwargs={"token": session.token}),
        "delete_url": reverse("quiz:delete", kwargs={"token": session.token}),
        "resume_url": request.build_absolute_uri(question_url),
    }
    if _is_htmx(request) and status >= 400:
        # htmx does not swap error responses; the message must still reach the person.
        status = 200
    response = render(request, "quiz/question.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return private_response(response)


def _to_result(request: HttpRequest, token: str) -> HttpResponse:
    if _is_htmx(request):
        # A different page: let htmx navigate to it instead of swapping it in.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = result_url(token)
        return private_response(response)
    return private_response(redirect(result_url(token), permanent=False))


def _after_write(request: HttpRequest, token: str, step: services.Step) -> HttpResponse:
    if step.done:
        return _to_result(request, token)
    if _is_htmx(request):
        return _render_question(request, _session_or_404(token))
    response = redirect("quiz:question", token=token)
    response.status_code = 303
    return private_response(response)


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, token: str) -> HttpResponse:
    session = _session_or_404(token)
    if request.session.get(SESSION_KEY) != session.token:
        # Opening the private link on another device makes that browser resume it too.
        request.session[SESSION_KEY] = session.token
    if request.method == "GET":
        return _render_question(request, session)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        message = (
            form.errors["value"][0]
            if "value" in form.errors
            else "That answer did not match the question on screen. Here is the current one."
        )
        return _render_question(request, session, message, status=422)
    try:
        step = services.submit_answer(token, form.cleaned_data["item"], form.cleaned_data["value"])
    except services.InvalidAnswer as error:
        return _render_question(request, services.get_session(token), error.detail, status=422)
    except services.SessionNotFound:
        raise Http404("no such quiz") from None
    return _after_write(request, token, step)


@require_POST
def back(request: HttpRequest, token: str) -> HttpResponse:
    form = BackForm(request.POST)
    current_item = form.cleaned_data.get("item") if form.is_valid() else None
    try:
        step = services.go_back(token, current_item=current_item)
    except services.SessionNotFound:
        raise Http404("no such quiz") from None
    return _after_write(request, token, step)


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    """Stop and delete an unfinished quiz (finished ones are deleted from the result page)."""
    session = _session_or_404(token)
    if request.method == "POST":
        services.delete_session(session.token)
        if request.session.get(SESSION_KEY) == session.token:
            del request.session[SESSION_KEY]
        messages.success(request, "Your answers were deleted. Nothing of that quiz is kept.")
        return private_response(redirect("quiz:start"))
    return private_response(
        render(
            request,
            "quiz/delete.html",
            {"question_url": reverse("quiz:question", kwargs={"token": session.token})},
        )
    )
