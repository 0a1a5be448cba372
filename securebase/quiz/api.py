"""JSON API for embedding and research tools, served at /api/v1/ (schema: openapi.json).

Stateless: the session token travels in the path, there are no cookies, so there is no
CSRF token either. Errors are always JSON ``{"error": code, "detail": ...}`` (never
HTML, never a traceback); every response carries ``Cache-Control: no-store`` because
answers and results are personal. The endpoints call the same service layer as the
pages.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Status
from ninja.errors import HttpError, ValidationError

from securebase.psychometrics import item_bank
from securebase.quiz import hooks, services, sittings
from securebase.quiz.ratelimits import start_is_limited
from securebase.quiz.schemas import (
    AnswerIn,
    BackIn,
    ChainOut,
    ErrorOut,
    ResultOut,
    SessionOut,
    StartIn,
    StepOut,
)


class PrivateNinjaAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        return response


api = PrivateNinjaAPI(
    title="securebase API",
    version="1",
    description=(
        "Take the ECR attachment quiz (adaptive or full 36 items) from your own tool. "
        "Start a session, answer `next_item` until it is null, then read the result. "
        "The token is the only key to the answers: keep it private. "
        "Errors are JSON objects `{error, detail}`."
    ),
    urls_namespace="api",
    docs_url=None,
)

NOT_FOUND = {"error": "not_found", "detail": "No quiz session has this token."}
NOT_AN_OBJECT = {
    "error": "invalid_request",
    "detail": 'The body must be a JSON object, e.g. {"form": "adaptive"} or {}.',
}


def _body_is_object(request: HttpRequest) -> bool:
    """Pydantic fills every field of StartIn from defaults, so ``null``, ``[]`` or ``3``
    would otherwise start a quiz nobody asked for; only a JSON object may."""
    try:
        return isinstance(json.loads(request.body), dict)
    except ValueError:
        return False  # ninja has already answered malformed JSON with 400


def _error(request: HttpRequest, status: int, code: str, detail: Any) -> HttpResponse:
    return api.create_response(request, {"error": code, "detail": detail}, status=status)


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", "")} for error in exc.errors
    ]
    return _error(request, 422, "invalid_request", detail)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "malformed_request" if exc.status_code == 400 else "error"
    return _error(request, exc.status_code, code, exc.message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(services.SessionNotFound)
def _session_not_found(request: HttpRequest, exc: services.SessionNotFound) -> HttpResponse:
    return api.create_response(request, NOT_FOUND, status=404)


# A well-formed answer that contradicts the answer already stored is a conflict with the
# session's state (409), not an invalid request (422).
CONFLICTS = {"already_answered"}


@api.exception_handler(services.InvalidAnswer)
def _invalid_answer(request: HttpRequest, exc: services.InvalidAnswer) -> HttpResponse:
    return _error(request, 409 if exc.code in CONFLICTS else 422, exc.code, exc.detail)


def _step_body(step: services.Step) -> dict[str, Any]:
    next_item = None
    if step.item is not None:
        labels = item_bank().response_labels
        next_item = {
            "number": step.item.number,
            "text": step.item.text,
            "options": [{"value": v, "label": label} for v, label in enumerate(labels, start=1)],
        }
    return {
        "next_item": next_item,
        "progress": round(step.progress, 4),
        "answered": step.answered,
        "done": step.done,
    }


@api.post(
    "/sessions",
    response={201: SessionOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Start a quiz session",
)
def create_session(request: HttpRequest, body: StartIn) -> Status:
    if not _body_is_object(request):
        return Status(422, NOT_AN_OBJECT)
    if start_is_limited(request):
        return Status(
            429, {"error": "rate_limited", "detail": "Too many new sessions; try again later."}
        )
    session = services.start_session(body.form, body.consent_research)
    step = services.current_step(session)
    return Status(201, {"token": session.token, "form": session.form, **_step_body(step)})


@api.get(
    "/sessions/{token:token}",
    response={200: SessionOut, 404: ErrorOut},
    summary="Where a session stands (to resume it)",
)
def read_session(request: HttpRequest, token: str) -> dict[str, Any]:
    session = services.get_session(token)
    step = services.current_step(session)
    return {"token": session.token, "form": session.form, **_step_body(step)}


@api.post(
    "/sessions/{token:token}/answers",
    response={200: StepOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Answer the current question",
    description=(
        "Idempotent: sending an answer that is already recorded (same item and value) "
        "returns the current state and changes nothing. Another value for an item already "
        "answered is a conflict (409 `already_answered`): change it with back."
    ),
)
def answer(request: HttpRequest, token: str, body: AnswerIn) -> dict[str, Any]:
    return _step_body(services.submit_answer(token, body.item, body.value))


@api.post(
    "/sessions/{token:token}/back",
    response={200: StepOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Take back the most recent answer and ask that question again",
    description=(
        "Idempotent: send the number of the question on screen; if it is no longer the "
        "current one (the request was retried, or sent from an old tab) nothing changes."
    ),
)
def back(request: HttpRequest, token: str, body: BackIn) -> dict[str, Any]:
    return _step_body(services.go_back(token, current_item=body.item))


@api.get(
    "/sessions/{token:token}/result",
    response={200: ResultOut, 404: ErrorOut, 409: ErrorOut},
    summary="The result of a finished session",
)
def result(request: HttpRequest, token: str) -> Status:
    session = services.get_session(token)
    held = hooks.result_hold(session)
    if held and session.is_completed:
        return Status(409, {"error": "result_held", "detail": held})
    try:
        return Status(200, services.get_result(session).to_dict())
    except services.NotFinished:
        return Status(
            409, {"error": "not_finished", "detail": "Answer next_item until it is null."}
        )


@api.get(
    "/sessions/{token}/chain",
    response={200: ChainOut, 404: ErrorOut, 409: ErrorOut},
    summary="This result and the earlier sittings it retakes, with what changed",
    description=(
        "A retake is started from an earlier result's private link; its token opens its own "
        "sitting and the earlier ones, never later ones. `changes` judge each step against "
        "both sittings' measurement error (reliable-change index)."
    ),
)
def chain(request: HttpRequest, token: str) -> Status:
    session = services.get_session(token)
    if not session.is_completed:
        return Status(
            409, {"error": "not_finished", "detail": "Answer next_item until it is null."}
        )
    return Status(200, sittings.chain_dict(session))


@api.delete(
    "/sessions/{token:token}",
    response={204: None, 404: ErrorOut},
    summary="Delete the session, its answers and any queued report mail",
)
def delete_session(request: HttpRequest, token: str) -> Status:
    if not services.delete_session(token):
        raise services.SessionNotFound
    return Status(204, None)


# HEAD wherever GET (HTTP semantics; uptime monitors and load balancers probe with it).
# The same views answer it and the server drops the body. Left out of the schema, which
# would otherwise list each operation twice under one operationId.
api.api_operation(
    ["HEAD"],
    "/sessions/{token:token}",
    response={200: SessionOut, 404: ErrorOut},
    include_in_schema=False,
)(read_session)
api.api_operation(
    ["HEAD"],
    "/sessions/{token:token}/result",
    response={200: ResultOut, 404: ErrorOut, 409: ErrorOut},
    include_in_schema=False,
)(result)
api.api_operation(
    ["HEAD"],
    "/sessions/{token}/chain",
    response={200: ChainOut, 404: ErrorOut, 409: ErrorOut},
    include_in_schema=False,
)(chain)
