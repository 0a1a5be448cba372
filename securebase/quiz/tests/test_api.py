from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from securebase.quiz import services
from securebase.quiz.models import QuizSession

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client: Client, path: str, body: Any) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(API + path, data=data, content_type="application/json")


def start(client: Client, form: str = "full", consent: bool = False) -> dict[str, Any]:
    response = post(client, "/sessions", {"form": form, "consent_research": consent})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_session_returns_201_token_first_item_and_progress(client: Client) -> None:
    response = post(client, "/sessions", {"form": "adaptive", "consent_research": True})
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert len(body["token"]) == 43
    assert body["progress"] == 0
    item = body["next_item"]
    assert set(item) == {"number", "text", "options"}
    assert item["options"][0] == {"value": 1, "label": "Strongly disagree"}
    assert [option["value"] for option in item["options"]] == [1, 2, 3, 4, 5]
    session = QuizSession.objects.get(token=body["token"])
    assert session.form == "adaptive" and session.consent_research is True
    assert not response.cookies.get("sessionid")


def test_the_api_needs_no_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert start(client)["next_item"]["number"] == 1


def test_answers_advance_and_the_full_form_ends_with_a_result(client: Client) -> None:
    token = start(client, "full")["token"]
    for number in range(1, 37):
        response = post(client, f"/sessions/{token}/answers", {"item": number, "value": 4})
        assert response.status_code == 200
        body = response.json()
        assert body["progress"] == pytest.approx(number / 36, abs=1e-4)
    assert body["next_item"] is None and body["done"] is True
    response = client.get(f"{API}/sessions/{token}/result")
    assert response.status_code == 200
    result = response.json()
    assert set(result) >= {"style", "style_probabilities", "anxiety", "avoidance"}
    assert set(result["anxiety"]) >= {"theta", "se", "percentile", "mean"}
    assert sum(result["style_probabilities"].values()) == pytest.approx(1.0)


def test_adaptive_form_runs_to_the_end_through_the_api(client: Client) -> None:
    body = start(client, "adaptive")
    token, asked = body["token"], 0
    while body["next_item"] is not None:
        item = body["next_item"]["number"]
        body = post(client, f"/sessions/{token}/answers", {"item": item, "value": 1}).json()
        asked += 1
    assert 4 <= asked <= 16
    result = client.get(f"{API}/sessions/{token}/result")
    assert result.status_code == 200
    # The quick test's second figure: how likely all 36 questions are to give the same style.
    assert 0.0 < result.json()["full_form_agreement"] <= 1.0


def test_double_submit_returns_200_and_records_once(client: Client) -> None:
    token = start(client)["token"]
    first = post(client, f"/sessions/{token}/answers", {"item": 1, "value": 2})
    again = post(client, f"/sessions/{token}/answers", {"item": 1, "value": 2})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert QuizSession.objects.get(token=token).answers.count() == 1


def test_result_is_409_while_unfinished(client: Client) -> None:
    token = start(client)["token"]
    response = client.get(f"{API}/sessions/{token}/result")
    assert response.status_code == 409
    assert response.json()["error"] == "not_finished"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"item": 5, "value": 3}, "item_not_asked"),
        ({"item": 99, "value": 3}, "item_not_asked"),
        ({"item": 1, "value": 7}, "invalid_value"),
        ({"item": 1, "value": 0}, "invalid_value"),
    ],
)
def test_invalid_answers_get_422_json_and_lose_nothing(
    client: Client, body: dict[str, int], code: str
) -> None:
    token = start(client)["token"]
    post(client, f"/sessions/{token}/answers", {"item": 1, "value": 2})
    body = {**body, "item": body["item"] if body["item"] != 1 else 2}
    response = post(client, f"/sessions/{token}/answers", body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == code
    assert list(QuizSession.objects.get(token=token).answers.values_list("item", "value")) == [
        (1, 2)
    ]


def test_changing_an_answered_item_is_a_409_conflict(client: Client) -> None:
    """The request is well formed; it conflicts with what the session already holds."""
    token = start(client)["token"]
    post(client, f"/sessions/{token}/answers", {"item": 1, "value": 2})
    response = post(client, f"/sessions/{token}/answers", {"item": 1, "value": 5})
    assert response.status_code == 409
    assert response.json()["error"] == "already_answered"
    answers = client.get(f"{API}/openapi.json").json()["paths"]
    assert "409" in answers["/api/v1/sessions/{token}/answers"]["post"]["responses"]


def test_integral_numbers_written_as_floats_are_integers(client: Client) -> None:
    """JSON Schema's "integer" includes 36.0, so the API takes it as 36 (and 2.5 never)."""
    token = start(client)["token"]
    response = post(client, f"/sessions/{token}/answers", {"item": 1.0, "value": 2.0})
    assert response.status_code == 200, response.content
    assert response.json()["answered"] == 1
    back = post(client, f"/sessions/{token}/back", {"item": 2.0})
    assert back.status_code == 200, back.content
    assert back.json()["next_item"]["number"] == 1
    stored = list(QuizSession.objects.get(token=token).answers.values_list("item", "value"))
    for body in ({"item": 1.5, "value": 2}, {"item": 1, "value": 2.5}, {"item": True, "value": 2}):
        assert post(client, f"/sessions/{token}/answers", body).status_code == 422
    assert list(QuizSession.objects.get(token=token).answers.values_list("item", "value")) == (
        stored
    )


def test_malformed_json_is_400_json(client: Client) -> None:
    token = start(client)["token"]
    response = post(client, f"/sessions/{token}/answers", "{not json")
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_request"
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [{}, {"item": "one", "value": 3}, {"item": 1}, {"item": 1, "value": "3"}, [1, 3], "null"],
)
def test_wrongly_shaped_bodies_are_422_json(client: Client, body: Any) -> None:
    token = start(client)["token"]
    response = post(client, f"/sessions/{token}/answers", body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["error"] == "invalid_request"
    assert isinstance(payload["detail"], list)


@pytest.mark.parametrize("body", [{"form": "short"}, {"consent_research": "maybe"}])
def test_bad_session_requests_are_422(client: Client, body: dict[str, Any]) -> None:
    response = post(client, "/sessions", body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert not QuizSession.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/sessions/{t}/answers"),
        ("get", "/sessions/{t}/result"),
        ("get", "/sessions/{t}"),
        ("post", "/sessions/{t}/back"),
        ("delete", "/sessions/{t}"),
    ],
)
def test_unknown_token_is_404_json(client: Client, method: str, path: str) -> None:
    url = API + path.format(t="A" * 43)
    if method == "post":
        response = client.post(url, json.dumps({"item": 1, "value": 3}), "application/json")
    else:
        response = getattr(client, method)(url)
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "No quiz session has this token."}


def test_get_session_resumes_and_back_reasks_the_previous_item(client: Client) -> None:
    token = start(client)["token"]
    post(client, f"/sessions/{token}/answers", {"item": 1, "value": 2})
    assert client.get(f"{API}/sessions/{token}").json()["next_item"]["number"] == 2
    response = post(client, f"/sessions/{token}/back", {"item": 2})
    assert response.status_code == 200
    assert response.json()["next_item"]["number"] == 1
    assert response.json()["answered"] == 0


def test_a_retried_back_takes_back_one_answer_only(client: Client) -> None:
    token = start(client)["token"]
    for number in (1, 2, 3):
        post(client, f"/sessions/{token}/answers", {"item": number, "value": 2})

    first = post(client, f"/sessions/{token}/back", {"item": 4})
    retry = post(client, f"/sessions/{token}/back", {"item": 4})  # lost response, sent again

    assert first.status_code == retry.status_code == 200
    assert first.json() == retry.json()
    assert retry.json()["next_item"]["number"] == 3
    answers = QuizSession.objects.get(token=token).answers.values_list("item", flat=True)
    assert sorted(answers) == [1, 2]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (None, 400, "malformed_request"),
        ({}, 422, "invalid_request"),
        ({"item": "4"}, 422, "invalid_request"),
        ([4], 422, "invalid_request"),
    ],
)
def test_back_without_the_question_on_screen_is_refused_and_changes_nothing(
    client: Client, body: Any, status: int, code: str
) -> None:
    token = start(client)["token"]
    post(client, f"/sessions/{token}/answers", {"item": 1, "value": 2})
    response = (
        client.post(f"{API}/sessions/{token}/back")
        if body is None
        else post(client, f"/sessions/{token}/back", body)
    )
    assert response.status_code == status
    assert response.json()["error"] == code
    assert QuizSession.objects.get(token=token).answers.count() == 1


@pytest.mark.parametrize("body", ["null", "[null, null]", "123", '"x"', "true", "[]"])
def test_starting_with_a_body_that_is_not_an_object_is_422(client: Client, body: str) -> None:
    response = post(client, "/sessions", body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert "JSON object" in response.json()["detail"]
    assert not QuizSession.objects.exists()


def test_starting_with_an_empty_object_uses_the_defaults(client: Client) -> None:
    response = post(client, "/sessions", "{}")
    assert response.status_code == 201
    assert response.json()["form"] == "adaptive"


def test_delete_removes_the_session(client: Client) -> None:
    token = start(client)["token"]
    assert client.delete(f"{API}/sessions/{token}").status_code == 204
    assert not QuizSession.objects.exists()


def test_session_creation_is_rate_limited_per_ip(client: Client, settings: Any) -> None:
    settings.SECUREBASE_QUIZ_START_RATE = "2/m"
    start(client)
    start(client)
    response = post(client, "/sessions", {"form": "full"})
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert QuizSession.objects.count() == 2


def test_openapi_schema_documents_the_endpoints_and_errors(client: Client) -> None:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert "/api/v1/sessions" in paths
    assert set(paths["/api/v1/sessions"]["post"]["responses"]) >= {"201", "422", "429"}
    answers = paths["/api/v1/sessions/{token}/answers"]["post"]["responses"]
    assert set(answers) >= {"200", "400", "404", "422"}
    assert set(paths["/api/v1/sessions/{token}/result"]["get"]["responses"]) >= {
        "200",
        "404",
        "409",
    }
    assert "ErrorOut" in schema["components"]["schemas"]


def test_openapi_schema_states_the_item_and_value_ranges(client: Client) -> None:
    from securebase.psychometrics import item_bank

    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    items = {"minimum": 1, "maximum": len(item_bank().items)}
    values = {"minimum": 1, "maximum": len(item_bank().response_labels)}
    assert items["maximum"] == 36 and values["maximum"] == 5
    for schema, field, bounds in [
        ("AnswerIn", "item", items),
        ("AnswerIn", "value", values),
        ("BackIn", "item", items),
        ("ItemOut", "number", items),
        ("OptionOut", "value", values),
    ]:
        prop = schemas[schema]["properties"][field]
        assert {key: prop.get(key) for key in bounds} == bounds, (schema, field)
    assert schemas["BackIn"]["required"] == ["item"]


def _finished_full_form(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
    """(API result, service-layer result) of a full form answered 1 + item % 5."""
    token = start(client)["token"]
    for number in range(1, 37):
        post(client, f"/sessions/{token}/answers", {"item": number, "value": 1 + number % 5})
    result = client.get(f"{API}/sessions/{token}/result").json()
    return result, services.get_result(services.get_session(token)).to_dict()


def test_api_result_matches_the_service_layer(client: Client) -> None:
    result, expected = _finished_full_form(client)
    assert result["style"] == expected["style"]
    assert result["anxiety"]["theta"] == pytest.approx(expected["anxiety"]["theta"])


def test_api_result_has_percentile_ranges_and_the_norm_group_described(client: Client) -> None:
    result, expected = _finished_full_form(client)
    for dimension in ("anxiety", "avoidance"):
        low, high = result[dimension]["percentile_interval"]
        assert low <= result[dimension]["percentile"] <= high
        assert [low, high] == pytest.approx(list(expected[dimension]["percentile_interval"]))
    sample = result["norm_sample"]
    assert sample["key"] == expected["norm_sample"]["key"]
    assert sample["n"] >= 500 and 0 < sample["share_women"] < 1
    assert sum(sample["style_shares"].values()) == pytest.approx(1.0, abs=1e-3)  # rounded shares
    schema = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    assert "fearful-avoidant" in schema["ResultOut"]["properties"]["style"]["description"]
    properties = schema["ResultOut"]["properties"]
    assert "true position" in properties["style_probabilities"]["description"]
    assert "36 questions" in properties["full_form_agreement"]["description"]
    assert result["full_form_agreement"] is None  # the full form has no second figure
