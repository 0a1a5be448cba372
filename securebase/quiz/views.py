"""Quiz pages: choose a form, one question per address, then an optional last step.

Thin on purpose: every rule lives in :mod:`securebase.quiz.services`. Every question has
its own address (``/quiz/s/<token>/q/<n>/``), so the browser's Back button shows the
previous question with its answer marked, with or without JavaScript. Without
JavaScript each answer is a plain POST and a redirect to the next question's address;
with htmx the same forms are boosted, the view answers with the next question directly
and ``HX-Push-Url`` adds that address to the history, just as the redirect would.

Every response under ``/quiz/s/`` belongs to one person and is marked private by
``core.middleware.PrivacyHeadersMiddleware``; the start page at ``/quiz/`` is outside that
prefix and can show a remembered quiz's private link, so it marks its own responses.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from securebase.core import limits
from securebase.core.privacy import private_response
from securebase.core.views import rate_limited
from securebase.psychometrics import item_bank
from securebase.quiz import hooks, services
from securebase.quiz.forms import AnswerForm, NormGroupForm, StartForm
from securebase.quiz.models import QuizSession

# The Django session (cookie) remembers this browser's quiz so it can resume it.
SESSION_KEY = "quiz_token"


def result_url(token: str) -> str:
    return f"/results/{token}/"


def question_url(token: str, position: int) -> str:
    return reverse("quiz:position", kwargs={"token": token, "position": position})


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


@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    remembered = _remembered_session(request)
    in_progress = remembered if remembered and not remembered.is_completed else None
    status = 200
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            if in_progress is not None and request.POST.get("confirm") != "delete":
                # Starting again deletes the unfinished answers: ask first, say what goes.
                return _confirm_start_again(request, form, in_progress)
            if limits.QUIZ_START.reached(request) is not None:
                return rate_limited(request, Exception("quiz start rate limit"))
            if in_progress is not None:
                services.delete_session(in_progress.token)
            session = services.start_session(
                form.cleaned_data["form"], form.cleaned_data["consent_research"]
            )
            request.session[SESSION_KEY] = session.token
            return private_response(HttpResponseRedirect(question_url(session.token, 1)))
        status = 422
    context = {
        "form": form,
        "in_progress": in_progress,
        "step": services.current_step(in_progress) if in_progress else None,
        "finished": remembered if remembered and remembered.is_completed else None,
        "result_url": result_url(remembered.token) if remembered else None,
        "lengths": services.quiz_lengths(),
    }
    return private_response(render(request, "quiz/start.html", context, status=status))


def _confirm_start_again(
    request: HttpRequest, form: StartForm, in_progress: QuizSession
) -> HttpResponse:
    context = {
        "form": form,
        "step": services.current_step(in_progress),
        "in_progress": in_progress,
        "continue_url": reverse("quiz:question", kwargs={"token": in_progress.token}),
    }
    return private_response(render(request, "quiz/start_again.html", context))


def _session_or_404(token: str) -> QuizSession:
    try:
        return services.get_session(token)
    except services.SessionNotFound:
        raise Http404("no such quiz") from None


def _finished(request: HttpRequest, token: str) -> HttpResponse:
    """Where a finished quiz goes: the optional step once, then the result.

    An app built on the quiz may send the person elsewhere (a study's last page).
    """
    route = hooks.finish_route(_session_or_404(token))
    return _navigate(request, route or reverse("quiz:about_you", kwargs={"token": token}))


def _navigate(request: HttpRequest, url: str) -> HttpResponse:
    if _is_htmx(request):
        # A different page: let htmx navigate to it instead of swapping it in.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _answer_options(marked: int | None) -> list[dict[str, object]]:
    """The five answer buttons, the one with the stored answer pressed."""
    labels = item_bank().response_labels
    return [
        {"value": value, "label": label, "pressed": marked == value}
        for value, label in enumerate(labels, start=1)
    ]


def _render_question(
    request: HttpRequest, step: services.Step, token: str, error: str = "", status: int = 200
) -> HttpResponse:
    """The question page; for htmx, only the ``#quiz`` fragment it swaps in."""
    position = step.position
    url = question_url(token, position)
    context = {
        "step": step,
        "options": _answer_options(step.previous_value),
        "percent": round(step.progress * 100),
        "questions_before": step.number - 1,
        "first_unanswered": step.answered + 1,
        "question_url": url,
        "back_url": question_url(token, position - 1) if position > 1 else None,
        "current_url": None if step.is_current else question_url(token, step.answered + 1),
        "delete_url": reverse("quiz:delete", kwargs={"token": token}),
        "resume_url": request.build_absolute_uri(reverse("quiz:question", kwargs={"token": token})),
        "error": error,
    }
    htmx = _is_htmx(request)
    if htmx and status >= 400:
        # htmx does not swap error responses; the message must still reach the person.
        status = 200
    template = "quiz/_question.html" if htmx else "quiz/question.html"
    response = render(request, template, context, status=status)
    if htmx:
        # The address of the question now on screen, so Back returns to this one.
        response["HX-Push-Url"] = url
    patch_vary_headers(response, ["HX-Request"])
    return response


def _after_write(request: HttpRequest, token: str, step: services.Step) -> HttpResponse:
    if step.done:
        return _finished(request, token)
    if _is_htmx(request):
        return _render_question(request, step, token)
    return HttpResponseRedirect(question_url(token, step.position), status=303)


def _remember(request: HttpRequest, token: str) -> None:
    """Opening the private link on another device makes that browser resume it too.

    Only the private link does this (the browser that started the quiz remembers it from
    the start): question pages and answers never touch the visitor's Django session, so
    the answer step costs no query for it.
    """
    if request.session.get(SESSION_KEY) != token:
        request.session[SESSION_KEY] = token


@require_safe
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The private link: this browser remembers the quiz and goes to the current question."""
    session = _session_or_404(token)
    _remember(request, session.token)
    if session.is_completed:
        return HttpResponseRedirect(result_url(token))
    return HttpResponseRedirect(question_url(token, services.current_step(session).position))


@require_http_methods(["GET", "HEAD", "POST"])
def question(request: HttpRequest, token: str, position: int) -> HttpResponse:
    """GET: the question at ``position``. POST: answer it (its form carries the item)."""
    if request.method in ("GET", "HEAD"):
        session = _session_or_404(token)
        if session.is_completed:
            return HttpResponseRedirect(hooks.finish_route(session) or result_url(token))
        step = services.step_at(session, position)
        if step.position != position:
            # An address past the current question: go to the real one.
            return HttpResponseRedirect(question_url(token, step.position))
        return _render_question(request, step, token)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        session = _session_or_404(token)
        message = (
            str(form.errors["value"][0])
            if "value" in form.errors
            else "That answer did not match the question on screen. Here is the current one."
        )
        step = services.step_at(session, position)
        if step.done:
            return _finished(request, token)
        return _render_question(request, step, token, message, status=422)
    # A valid answer reads the session once, locked, inside the service's transaction.
    item, value = form.cleaned_data["item"], form.cleaned_data["value"]
    try:
        step = services.answer_at(token, position, item, value)
    except services.InvalidAnswer as error:
        step = services.current_step(services.get_session(token))
        if step.done:
            return _finished(request, token)
        return _render_question(request, step, token, error.detail, status=422)
    except services.SessionNotFound:
        raise Http404("no such quiz") from None
    return _after_write(request, token, step)


@require_http_methods(["GET", "HEAD", "POST"])
def about_you(request: HttpRequest, token: str) -> HttpResponse:
    """The optional last step: gender and age band choose the norm group, or skip."""
    session = _session_or_404(token)
    if not session.is_completed:
        return redirect("quiz:question", token=token)
    route = hooks.finish_route(session)
    if route:
        return HttpResponseRedirect(route)
    form = NormGroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form.is_valid() or "skip" in request.POST):
        gender, band = (None, None) if "skip" in request.POST else form.choice()
        services.choose_norm_group(token, gender, band)
        return HttpResponseRedirect(result_url(token))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "session": session, "result_url": result_url(token)}
    return render(request, "quiz/about_you.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    """Stop and delete an unfinished quiz (finished ones are deleted from the result page)."""
    session = _session_or_404(token)
    if request.method == "POST":
        services.delete_session(session.token)
        if request.session.get(SESSION_KEY) == session.token:
            del request.session[SESSION_KEY]
        messages.success(request, "Your answers were deleted. Nothing of that quiz is kept.")
        return redirect("quiz:start")
    context = {
        "question_url": reverse("quiz:question", kwargs={"token": session.token}),
        "step": services.current_step(session),
    }
    return render(request, "quiz/delete.html", context)
