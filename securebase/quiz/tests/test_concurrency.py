"""Concurrent writers on one session end in one consistent state.

These run with ``transaction=True`` so each thread has its own database connection
and really competes for the session row (SQLite queues writers on its IMMEDIATE
transactions, PostgreSQL on ``select_for_update``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from securebase.quiz import services
from securebase.quiz.models import QuizSession

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start every call at the same moment; return each result or raised exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_same_answer_from_many_tabs_is_recorded_once() -> None:
    token = services.start_session("full", consent_research=False).token
    outcomes = run_together([lambda: services.submit_answer(token, 1, 4)] * THREADS)
    assert all(isinstance(o, services.Step) for o in outcomes), outcomes
    assert {o.item.number for o in outcomes} == {2}
    session = QuizSession.objects.get(token=token)
    assert list(session.answers.values_list("item", "value", "position")) == [(1, 4, 1)]
    assert session.state["answers"] == [[1, 4]]


def test_different_answers_racing_for_one_question_leave_exactly_one() -> None:
    token = services.start_session("adaptive", consent_research=False).token
    first = services.current_step(services.get_session(token)).item.number
    calls = [
        lambda value=value: services.submit_answer(token, first, value) for value in range(1, 6)
    ]
    outcomes = run_together(calls)
    winners = [o for o in outcomes if isinstance(o, services.Step)]
    losers = [o for o in outcomes if isinstance(o, services.InvalidAnswer)]
    assert len(winners) == 1 and len(losers) == 4, outcomes
    assert {loser.code for loser in losers} == {"already_answered"}
    session = QuizSession.objects.get(token=token)
    answers = list(session.answers.values_list("item", "value"))
    assert len(answers) == 1 and answers[0][0] == first
    assert session.state["answers"] == [list(answers[0])]


def test_answers_and_back_interleaved_keep_rows_and_state_in_sync() -> None:
    token = services.start_session("full", consent_research=False).token
    services.submit_answer(token, 1, 3)
    calls: list[Callable[[], Any]] = [
        lambda: services.submit_answer(token, 2, 3),
        lambda: services.go_back(token),
        lambda: services.submit_answer(token, 2, 3),
        lambda: services.go_back(token),
    ]
    outcomes = run_together(calls)
    assert all(isinstance(o, (services.Step, services.InvalidAnswer)) for o in outcomes), outcomes
    session = QuizSession.objects.get(token=token)
    rows = list(session.answers.values_list("item", "value"))
    assert [list(row) for row in rows] == session.state["answers"]
    assert list(session.answers.values_list("position", flat=True)) == list(range(1, len(rows) + 1))


def test_a_back_sent_several_times_at_once_takes_back_one_answer() -> None:
    """A retried API "back" (a lost response, a double tap) arrives while the first one is
    still running; the question on screen makes them all one step back."""
    import json

    from django.test import Client

    token = services.start_session("full", consent_research=False).token
    for item in (1, 2, 3):
        services.submit_answer(token, item, 2)

    def back() -> Any:
        return Client().post(
            f"/api/v1/sessions/{token}/back", json.dumps({"item": 4}), "application/json"
        )

    outcomes = run_together([back] * THREADS)
    assert {response.status_code for response in outcomes} == {200}, outcomes
    assert {response.json()["next_item"]["number"] for response in outcomes} == {3}
    session = QuizSession.objects.get(token=token)
    assert sorted(session.answers.values_list("item", flat=True)) == [1, 2]
    assert session.state["answers"] == [[1, 2], [2, 2]]
