"""Study pages: the participant's way in and out, and the researcher's pages.

Thin on purpose: rules live in :mod:`securebase.studies.services`, figures in
:mod:`securebase.studies.dashboard`, files in :mod:`securebase.studies.exports`. Every
researcher page needs a signed-in member of the study; to anyone else a study does not
exist (404). Every page here is private (no-store, noindex): they show study data or a
participant's private link.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from securebase.core.privacy import private_response
from securebase.quiz import services as quiz
from securebase.studies import charts, dashboard, exports, services
from securebase.studies.forms import InvitationForm, JoinForm, MemberForm, StudySettingsForm
from securebase.studies.models import ExportLog, Study

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "participants.csv"),
    "datapackage": ("application/json", "datapackage.json"),
    "zip": ("application/zip", "participants-csv-and-codebook.zip"),
    "sav": ("application/x-spss-sav", "participants.sav"),
    "dta": ("application/x-stata-dta", "participants.dta"),
}


class SignedInRequest(HttpRequest):
    """The request of a ``@login_required`` view: its user has signed in (for type checks)."""

    user: User


def _member_study(request: HttpRequest, slug: str, *, owner: bool = False) -> Study:
    try:
        return services.study_for(request.user, slug, owner=owner)
    except services.NotAllowed:
        raise PermissionDenied("only the study's owners can do this") from None


def _private(response: HttpResponse) -> HttpResponse:
    return private_response(response)


# --- participants ------------------------------------------------------------------------


def _public_study(slug: str) -> Study:
    study = Study.objects.filter(slug=slug).first()
    if study is None:
        raise Http404("no such study")
    return study


@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    """The study's public address: information, consent, then the quiz."""
    study = _public_study(slug)
    params = {key: request.GET.get(key, "") for key in request.GET}
    try:
        found = services.arrival(study, params)
        consent = services.current_consent(study)
    except services.CannotJoin as problem:
        context = {"study": study, "problem": problem.detail}
        return _private(render(request, "studies/cannot_join.html", context, status=403))
    form = JoinForm(request.POST if request.method == "POST" else None, study=study)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.join(
                study,
                found,
                consent=consent,
                form=form.chosen_form(),
                gender=form.cleaned_data.get("gender", ""),
                age_band=form.cleaned_data.get("age_band", ""),
            )
        except services.CannotJoin as problem:
            context = {"study": study, "problem": problem.detail}
            return _private(render(request, "studies/cannot_join.html", context, status=409))
        token = participant.session.token
        return _private(HttpResponseRedirect(reverse("quiz:position", args=[token, 1])))
    status = 422 if request.method == "POST" else 200
    context = {"study": study, "consent": consent, "form": form, "lengths": quiz.quiz_lengths()}
    return _private(render(request, "studies/join.html", context, status=status))


@require_safe
def done(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A participant's last page: the completion link, their result link, withdrawal."""
    try:
        session = quiz.get_session(token)
    except quiz.SessionNotFound:
        raise Http404("no such participant") from None
    participant = services.participant_of(session)
    if participant is None or participant.study.slug != slug:
        raise Http404("no such participant")
    if not session.is_completed:
        return _private(redirect("quiz:question", token=token))
    context = {
        "study": participant.study,
        "completion_url": services.completion_redirect(participant),
        "held": services.result_held(participant),
        "result_url": reverse("reports:result", args=[token]),
        "delete_url": reverse("reports:delete", args=[token]),
        "private_url": request.build_absolute_uri(reverse("reports:result", args=[token])),
    }
    return _private(render(request, "studies/done.html", context))


# --- researchers -------------------------------------------------------------------------


@login_required
@require_safe
def study_list(request: HttpRequest) -> HttpResponse:
    studies = services.visible_studies(request.user).prefetch_related("participants")
    return _private(render(request, "studies/list.html", {"studies": studies}))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def study_new(request: SignedInRequest) -> HttpResponse:
    form = StudySettingsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        study = services.create_study(
            request.user, form.save(commit=False), form.cleaned_data["consent_text"]
        )
        messages.success(request, "Your study is ready. Share its address with participants.")
        return _private(redirect("studies:dashboard", slug=study.slug))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "new": True}
    return _private(render(request, "studies/settings.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def study_edit(request: HttpRequest, slug: str) -> HttpResponse:
    study = _member_study(request, slug, owner=True)
    initial = {"consent_text": services.current_consent(study).text}
    form = StudySettingsForm(
        request.POST if request.method == "POST" else None, instance=study, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        study = form.save()
        services.update_consent(study, form.cleaned_data["consent_text"])
        messages.success(request, "Saved.")
        return _private(redirect("studies:dashboard", slug=study.slug))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "study": study, "new": False}
    return _private(render(request, "studies/settings.html", context, status=status))


@login_required
@require_safe
def study_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    study = _member_study(request, slug)
    figures = dashboard.build(exports.records(study), target=study.target, waves=study.wave_keys)
    context = {
        "study": study,
        "role": services.role_of(request.user, study),
        "figures": figures,
        "charts": charts.for_dashboard(figures),
        "join_url": request.build_absolute_uri(reverse("studies:join", args=[study.slug])),
        "status": services.status(study),
    }
    return _private(render(request, "studies/dashboard.html", context))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    study = _member_study(request, slug, owner=True)
    form = MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.add_member(study, form.cleaned_data["username"], form.cleaned_data["role"])
        messages.success(request, "Member added.")
        return _private(redirect("studies:members", slug=slug))
    context = {
        "study": study,
        "form": form,
        "memberships": study.memberships.select_related("user"),
    }
    status = 422 if request.method == "POST" else 200
    return _private(render(request, "studies/members.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """POST makes single-use links and shows them once: only their digests are stored."""
    study = _member_study(request, slug, owner=True)
    form = InvitationForm(request.POST if request.method == "POST" else None, study=study)
    links: list[str] = []
    if request.method == "POST" and form.is_valid():
        base = request.build_absolute_uri(reverse("studies:join", args=[study.slug]))
        secrets_ = services.new_invitations(
            study,
            form.cleaned_data["count"],
            wave=form.cleaned_data["wave"],
            prefix=form.cleaned_data["label_prefix"],
        )
        links = [f"{base}?invite={secret}" for secret in secrets_]
    context = {
        "study": study,
        "form": form,
        "links": links,
        "unused": study.invitations.filter(used_at__isnull=True).count(),
        "used": study.invitations.filter(used_at__isnull=False).count(),
    }
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    return _private(render(request, "studies/invitations.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: SignedInRequest, slug: str) -> HttpResponse:
    study = _member_study(request, slug, owner=True)
    secret = ""
    if request.method == "POST":
        if "revoke" in request.POST:
            value = request.POST["revoke"]
            if value.isdigit():
                services.revoke_token(study, int(value))
            messages.success(request, "Token revoked.")
            return _private(redirect("studies:tokens", slug=slug))
        secret = services.new_access_token(study, request.user)
    context = {"study": study, "secret": secret, "tokens": study.tokens.order_by("-created_at")}
    return _private(render(request, "studies/tokens.html", context))


def export_file(study: Study, kind: str) -> tuple[bytes, int]:
    """The export in ``kind`` and its number of rows."""
    records = exports.records(study)
    data = [row for row, _ in records]
    if kind == "csv":
        content = exports.write_csv(data).encode()
    elif kind == "datapackage":
        content = json.dumps(exports.datapackage(study), indent=2).encode()
    elif kind == "zip":
        content = exports.write_zip(study, data)
    else:
        content = exports.write_stats(data, kind)
    return content, len(data)


def export_response(study: Study, kind: str, content: bytes) -> HttpResponse:
    content_type, filename = EXPORTS[kind]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{study.slug}-{filename}"'
    return _private(response)


@login_required
@require_safe
def export(request: SignedInRequest, slug: str, kind: str) -> HttpResponse:
    study = _member_study(request, slug)
    if kind not in EXPORTS:
        raise Http404("no such export")
    content, count = export_file(study, kind)
    ExportLog.objects.create(study=study, user=request.user, kind=kind, rows=count)
    return export_response(study, kind, content)


@login_required
@require_safe
def export_log(request: HttpRequest, slug: str) -> HttpResponse:
    study = _member_study(request, slug)
    logs = study.exports.select_related("user", "token")[:200]
    context = {"study": study, "logs": logs, "role": services.role_of(request.user, study)}
    return _private(render(request, "studies/export_log.html", context))
