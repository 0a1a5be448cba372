"""Studies end to end without a browser: joining, finishing, feedback rules, withdrawal, exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from securebase.quiz import services as quiz
from securebase.reports.tests.factories import KEYED, clicked
from securebase.studies import dashboard, exports, services
from securebase.studies.models import ExportLog, Feedback, Participant, Study

pytestmark = pytest.mark.django_db


def make_study(owner: Any = None, **fields: Any) -> Study:
    owner = owner or get_user_model().objects.create_user("owner", password="pw-owner-123")
    defaults = {
        "slug": "couples-2027",
        "title": "Couples study",
        "form": "adaptive",
        "panel_parameter": "PROLIFIC_PID",
        "completion_url": "https://panel.example/complete",
        "target": 10,
    }
    return services.create_study(owner, Study(**{**defaults, **fields}), "You agree to take part.")


def answer_all(client: Client, token: str, style: str = "anxious") -> Any:
    """Answer every question through the pages (no JavaScript), as a participant would."""
    response = None
    for _ in range(40):
        session = quiz.get_session(token)
        step = quiz.current_step(session)
        if step.done:
            break
        assert step.item is not None
        response = client.post(
            reverse("quiz:position", args=[token, step.position]),
            {"item": step.item.number, "value": clicked(step.item.number, KEYED[style])},
        )
    return response


def join(client: Client, study: Study, query: str = "?PROLIFIC_PID=abc", **data: Any) -> str:
    response = client.post(f"/s/{study.slug}/{query}", {"consent": "on", **data})
    assert response.status_code == 302, response.content[:500]
    return response["Location"].split("/quiz/s/")[1].split("/")[0]


def test_join_page_shows_the_consent_and_needs_it(client: Client) -> None:
    study = make_study()
    page = client.get(f"/s/{study.slug}/?PROLIFIC_PID=abc")
    assert page.status_code == 200
    assert b"You agree to take part." in page.content
    assert page["Cache-Control"].startswith("no-store")
    refused = client.post(f"/s/{study.slug}/?PROLIFIC_PID=abc", {})
    assert refused.status_code == 422
    assert b"Tick the box to agree" in refused.content
    assert Participant.objects.count() == 0


def test_a_panel_participant_finishes_and_is_sent_back_with_the_code(client: Client) -> None:
    study = make_study()
    token = join(client, study)
    participant = Participant.objects.get()
    assert participant.panel_id == "abc" and participant.consent.version == 1
    last = answer_all(client, token)
    done = reverse("studies:done", args=[study.slug, token])
    assert last["Location"] == done
    page = client.get(done)
    assert page.status_code == 200
    assert f"https://panel.example/complete?cc={study.completion_code}".encode() in page.content
    # The private link and the result still work: the default feedback shows the result.
    assert client.get(f"/results/{token}/").status_code == 200
    # The optional last step is skipped for participants.
    about = client.get(reverse("quiz:about_you", args=[token]))
    assert about["Location"] == done


def test_a_bad_panel_id_or_a_closed_study_gets_a_clear_page(client: Client) -> None:
    study = make_study()
    bad = client.get(f"/s/{study.slug}/?PROLIFIC_PID=%3Cscript%3E")
    assert bad.status_code == 403
    assert b"participant id in this link is not valid" in bad.content
    study.closes_at = timezone.now() - timedelta(days=1)
    study.save()
    closed = client.get(f"/s/{study.slug}/?PROLIFIC_PID=abc")
    assert closed.status_code == 403 and b"closed" in closed.content


def test_the_same_panel_id_cannot_take_part_twice(client: Client) -> None:
    study = make_study()
    join(client, study)
    again = client.post(f"/s/{study.slug}/?PROLIFIC_PID=abc", {"consent": "on"})
    assert again.status_code == 409
    assert Participant.objects.count() == 1


def test_thanks_only_studies_hold_the_result_everywhere(client: Client) -> None:
    study = make_study(feedback=Feedback.THANKS, completion_url="")
    token = join(client, study)
    answer_all(client, token)
    held = client.get(f"/results/{token}/")
    assert held.status_code == 200
    assert b"does not show results" in held.content
    assert b"Your attachment style" not in held.content
    assert client.get(f"/results/{token}/report.pdf")["Location"] == f"/results/{token}/"
    api = client.get(f"/api/v1/sessions/{token}/result")
    assert api.status_code == 409 and api.json()["error"] == "result_held"


def test_results_after_close_appear_once_the_study_closes(client: Client) -> None:
    study = make_study(feedback=Feedback.AFTER_CLOSE)
    token = join(client, study)
    answer_all(client, token)
    assert b"once the study closes" in client.get(f"/results/{token}/").content
    Study.objects.filter(pk=study.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/api/v1/sessions/{token}/result").status_code == 200


def test_invitation_links_work_once(client: Client) -> None:
    study = make_study(panel_parameter="", invitation_only=True)
    refused = client.get(f"/s/{study.slug}/")
    assert refused.status_code == 403 and b"invitation only" in refused.content
    (secret,) = services.new_invitations(study, 1)
    join(client, study, f"?invite={secret}")
    used = client.post(f"/s/{study.slug}/?invite={secret}", {"consent": "on"})
    assert used.status_code == 403
    assert study.invitations.get().used_at is not None


def test_choice_and_demographics_are_asked_when_the_study_says_so(client: Client) -> None:
    study = make_study(form="choice", ask_demographics=True)
    missing = client.post(f"/s/{study.slug}/?PROLIFIC_PID=p1", {"consent": "on"})
    assert missing.status_code == 422 and b"Choose one of the two" in missing.content
    join(client, study, "?PROLIFIC_PID=p1", form="full", gender="female", age_band="25-34")
    participant = Participant.objects.get()
    assert participant.session.form == "full"
    assert (participant.gender, participant.age_band) == ("female", "25-34")


def test_waves_join_up_by_panel_id_and_show_change(client: Client) -> None:
    study = make_study(waves="before, after", form="full")
    before = join(client, study, "?PROLIFIC_PID=w1&wave=before")
    answer_all(client, before, "secure")
    after = join(client, study, "?PROLIFIC_PID=w1&wave=after")
    answer_all(client, after, "disorganized")
    keys = set(Participant.objects.values_list("key", flat=True))
    assert len(keys) == 1
    figures = dashboard.build(exports.records(study), target=10, waves=study.wave_keys)
    (anxiety, avoidance) = figures.changes
    assert anxiety.n == 1 and anxiety.reliable_up == 1 and avoidance.reliable_up == 1


def test_a_withdrawn_participant_leaves_counts_and_exports(client: Client) -> None:
    study = make_study()
    kept = join(client, study, "?PROLIFIC_PID=keep")
    answer_all(client, kept)
    gone = join(Client(), study, "?PROLIFIC_PID=gone")
    answer_all(client, gone)
    assert len(exports.rows(study)) == 2
    assert client.post(f"/results/{gone}/delete/").status_code == 200
    rows = exports.rows(study)
    assert [row["panel_id"] for row in rows] == ["keep"]
    figures = dashboard.build(exports.records(study), target=10, waves=[])
    assert (figures.participants, figures.completed) == (1, 1)


def _owner_client(study: Study) -> Client:
    client = Client()
    client.force_login(study.memberships.get().user)
    return client


def test_exports_open_where_researchers_work(client: Client, tmp_path: Any) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    study = make_study()
    for pid, style in (("a1", "anxious"), ("a2", "secure"), ("a3", "avoidant")):
        answer_all(client, join(Client(), study, f"?PROLIFIC_PID={pid}"), style)
    owner = _owner_client(study)

    text = owner.get(reverse("studies:export", args=[study.slug, "csv"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["panel_id"] for row in rows] == ["a1", "a2", "a3"]
    assert rows[0]["style"] == "anxious" and rows[1]["style"] == "secure"
    answered = [n for n in range(1, 37) if rows[0][f"Q{n}"] != "0"]
    for n in answered:
        assert int(rows[0][f"K{n}"]) == KEYED["anxious"][exports.item_bank().item(n).dimension]
    assert "token" not in text and "@" not in text

    sav = owner.get(reverse("studies:export", args=[study.slug, "sav"]))
    (tmp_path / "export.sav").write_bytes(sav.content)
    frame, meta = pyreadstat.read_sav(str(tmp_path / "export.sav"))
    assert list(frame["panel_id"]) == ["a1", "a2", "a3"]
    assert meta.column_names_to_labels["anxiety_theta"].startswith("Anxiety: IRT score")
    assert meta.variable_value_labels["Q1"][5] == "Strongly agree"

    dta = owner.get(reverse("studies:export", args=[study.slug, "dta"]))
    (tmp_path / "export.dta").write_bytes(dta.content)
    frame, meta = pyreadstat.read_dta(str(tmp_path / "export.dta"))
    assert len(frame) == 3 and meta.variable_value_labels["Q2"][1] == "Strongly disagree"

    archive = owner.get(reverse("studies:export", args=[study.slug, "zip"]))
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        package = json.loads(files.read("datapackage.json"))
        fields = package["resources"][0]["schema"]["fields"]
        assert [f["name"] for f in fields] == [c.name for c in exports.COLUMNS]
    kinds = list(ExportLog.objects.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["csv", "sav", "dta", "zip"]


def test_the_data_package_validates(tmp_path: Any, client: Client) -> None:
    frictionless = pytest.importorskip("frictionless")
    study = make_study()
    answer_all(client, join(Client(), study), "avoidant")
    owner = _owner_client(study)
    archive = owner.get(reverse("studies:export", args=[study.slug, "zip"]))
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        files.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_api_export_needs_the_study_token(client: Client) -> None:
    study = make_study()
    other = make_study(owner=study.memberships.get().user, slug="other-study")
    answer_all(client, join(Client(), study), "secure")
    secret = services.new_access_token(study, study.memberships.get().user)
    other_secret = services.new_access_token(other, other.memberships.get().user)
    url = f"/api/v1/studies/{study.slug}/export"
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other_secret}").status_code == 404
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    body = response.json()
    assert body["study"] == study.slug and len(body["rows"]) == 1
    assert response["Cache-Control"] == "no-store"
    assert ExportLog.objects.get().kind == "api"
    assert client.get(url, HTTP_AUTHORIZATION="Bearer made-up").status_code == 401
    services.revoke_token(study, study.tokens.get().pk)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
