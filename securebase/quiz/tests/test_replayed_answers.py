"""An answer counts only for the question the person saw.

A request can reach the server again after the next question is on screen: a double tap
on a page without JavaScript (the browser re-sends the old page's form), a retry after a
lost response, an old tab. Each such request carries the item its form showed, so the
server can tell: the same answer again changes nothing, another answer to a question the
person saw changes that answer only, and no answer is ever stored for a question the
person was not shown.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from securebase.quiz.models import QuizSession

pytestmark = pytest.mark.django_db

ITEM_RE = re.compile(r'name="item" value="(\d+)"')
HTMX = {"HX-Request": "true"}


def stored(token: str) -> list[tuple[int, int]]:
    return list(QuizSession.objects.get(token=token).answers.values_list("item", "value"))


def begin(client: Client, form: str) -> str:
    response = client.post("/quiz/", {"form": form, "adult": "on"})
    assert response.status_code == 302
    return QuizSession.objects.latest("created_at").token


def q(token: str, position: int) -> str:
    return f"/quiz/s/{token}/q/{position}/"


def shown_item(client: Client, token: str, position: int) -> int:
    """The item of the question page at ``position`` (read from the page, as a form would)."""
    page = client.get(q(token, position))
    assert page.status_code == 200
    match = ITEM_RE.search(page.content.decode())
    assert match
    return int(match.group(1))


@pytest.mark.parametrize("form", ["full", "adaptive"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_a_replayed_page_answer_never_answers_the_next_question(
    client: Client, form: str, headers: dict[str, str]
) -> None:
    token = begin(client, form)
    asked = []
    for position in range(1, 5):
        item = shown_item(client, token, position)
        asked.append(item)
        answer = {"item": item, "value": 2}
        first = client.post(q(token, position), answer, headers=headers)
        assert first.status_code in (200, 303)
        following = shown_item(client, token, position + 1)
        # The same form again, after the next question is on screen: nothing changes.
        again = client.post(q(token, position), answer, headers=headers)
        assert again.status_code in (200, 303)
        assert stored(token) == [(number, 2) for number in asked]
        assert shown_item(client, token, position + 1) == following


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_a_replayed_page_answer_with_another_value_changes_only_that_question(
    client: Client, headers: dict[str, str]
) -> None:
    """A second tap on another button of the same page re-sends that page's form."""
    token = begin(client, "adaptive")
    first = shown_item(client, token, 1)
    client.post(q(token, 1), {"item": first, "value": 1}, headers=headers)
    shown_item(client, token, 2)
    replay = client.post(q(token, 1), {"item": first, "value": 5}, headers=headers)
    assert replay.status_code in (200, 303)
    assert stored(token) == [(first, 5)]


def test_an_old_form_for_a_question_chosen_again_is_refused(client: Client) -> None:
    """Changing an earlier answer on the quick test may replace the next question; a form
    of the replaced question, sent afterwards, stores nothing and shows the current one."""
    token = begin(client, "adaptive")
    for position in range(1, 10):
        item = shown_item(client, token, position)
        client.post(q(token, position), {"item": item, "value": 1})
        replaced = shown_item(client, token, position + 1)
        client.post(q(token, position), {"item": item, "value": 5})  # Back, another answer
        current = shown_item(client, token, position + 1)
        if current != replaced:
            break
    else:
        pytest.fail("no changed answer chose another next question")
    before = stored(token)
    assert before[-1] == (item, 5) and replaced not in {number for number, _ in before}
    response = client.post(q(token, position + 1), {"item": replaced, "value": 4})
    html = response.content.decode()
    assert response.status_code == 422
    assert "different question" in html and f'name="item" value="{current}"' in html
    assert stored(token) == before


API = "/api/v1"


def api_post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(API + path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("form", ["full", "adaptive"])
def test_a_replayed_api_answer_never_answers_the_next_question(client: Client, form: str) -> None:
    started = api_post(client, "/sessions", {"form": form})
    token, item = started.json()["token"], started.json()["next_item"]["number"]
    answers: list[tuple[int, int]] = []
    for _ in range(4):
        body = {"item": item, "value": 2}
        first = api_post(client, f"/sessions/{token}/answers", body)
        assert first.status_code == 200
        following = first.json()["next_item"]["number"]
        answers.append((item, 2))
        replay = api_post(client, f"/sessions/{token}/answers", body)
        assert replay.status_code == 200
        assert replay.json() == first.json()
        # Another value for the question already answered is refused, not moved on.
        other = api_post(client, f"/sessions/{token}/answers", {"item": item, "value": 5})
        assert other.status_code in (409, 422)
        assert other.json()["error"] == "already_answered"
        assert stored(token) == answers
        item = following
    # An answer for a question not yet asked is refused too.
    read = client.get(f"{API}/sessions/{token}").json()
    not_asked = next(n for n in range(1, 37) if n not in {a for a, _ in answers} | {item})
    refused = api_post(client, f"/sessions/{token}/answers", {"item": not_asked, "value": 3})
    assert refused.status_code in (409, 422)
    assert refused.json()["error"] == "item_not_asked"
    assert stored(token) == answers
    assert client.get(f"{API}/sessions/{token}").json() == read
