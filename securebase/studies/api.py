"""Read-only JSON export of one study, for scripts (R, Python) that fetch it on a schedule.

Authenticated by a per-study token (``Authorization: Bearer <token>``) that only reads. A
made-up or revoked token is refused (401); a live token for one study opens no other (404,
as for a study that does not exist, so a token does not reveal which other studies exist).
Every call is logged like a download from the dashboard.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from securebase.studies import exports, services
from securebase.studies.models import AccessToken, ExportLog


class StudyToken(HttpBearer):
    """Accepts a live token; which study it opens is checked against the path."""

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        return services.live_token(token)


class TokenRequest(HttpRequest):
    """The request of a view behind :class:`StudyToken`: ninja sets ``auth`` to its token."""

    auth: AccessToken


class ColumnOut(Schema):
    name: str
    type: str
    label: str
    values: dict[str, str]


class StudyExportOut(Schema):
    study: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


class StudyErrorOut(Schema):
    error: str
    detail: str


router = Router(tags=["studies"])


@router.get(
    "/{slug}/export",
    auth=StudyToken(),
    response={200: StudyExportOut, 401: StudyErrorOut, 404: StudyErrorOut},
    summary="A study's data (read-only study token)",
    description=(
        "Every participant and wave as one row: answers as clicked (Q1-Q36, 0 = not asked) "
        "and keyed (K1-K36), IRT scores with posterior SDs, percentiles with their 95% ranges, "
        "the style and the chance of each, response-quality flags, timestamps, consent "
        "version, wave and a pseudonymous participant key. `columns` is the codebook. The "
        "token goes in `Authorization: Bearer <token>`; a token opens only its own study."
    ),
)
def study_export(request: TokenRequest, slug: str) -> Status:
    access = request.auth
    if access.study.slug != slug:
        return Status(
            404, {"error": "not_found", "detail": "No study with this address for this token."}
        )
    data = exports.rows(access.study)
    if request.method == "GET":  # HEAD transfers no data, so it is no export
        ExportLog.objects.create(study=access.study, token=access, kind="api", rows=len(data))
    columns = [
        {
            "name": column.name,
            "type": column.type,
            "label": column.label,
            "values": {str(code): label for code, label in column.values.items()},
        }
        for column in exports.COLUMNS
    ]
    body = {"study": access.study.slug, "title": access.study.title, "columns": columns}
    return Status(200, {**body, "rows": data})


# HEAD wherever GET, as for the quiz's routes (left out of the schema: one operation each).
router.api_operation(
    ["HEAD"],
    "/{slug}/export",
    auth=StudyToken(),
    response={200: StudyExportOut, 401: StudyErrorOut, 404: StudyErrorOut},
    include_in_schema=False,
)(study_export)
