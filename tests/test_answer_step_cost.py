"""What one answer costs the database: counted, so that a change that adds queries shows.

The answer step is the request pair every person makes a dozen times or more (the POST
of the answer form and the GET of the next question it redirects to), and the load
benchmark compares its throughput with /healthz (docs/benchmarks-web.md). Its queries:
the quiz session row and the visitor's Django session for each request, and one write
transaction (BEGIN, lock the row, insert the answer, update the state, COMMIT).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_RE = re.compile(r'name="item" value="(\d+)"')
MAX_QUERIES_PER_STEP = 9


@pytest.mark.django_db
def test_an_answer_step_costs_at_most_nine_queries_and_healthz_one(client: Client) -> None:
    page = client.get("/quiz/")
    csrf = CSRF_RE.search(page.content.decode())
    assert csrf
    started = client.post(
        "/quiz/", {"csrfmiddlewaretoken": csrf.group(1), "form": "full", "adult": "on"}
    )
    url = started["Location"]
    page = client.get(url)
    counts = []
    for _ in range(5):
        html = page.content.decode()
        item, csrf = ITEM_RE.search(html), CSRF_RE.search(html)
        assert item and csrf
        with CaptureQueriesContext(connection) as queries:
            answered = client.post(
                url, {"csrfmiddlewaretoken": csrf.group(1), "item": item.group(1), "value": 4}
            )
            assert answered.status_code in {302, 303}
            page = client.get(answered["Location"])
            assert page.status_code == 200
        counts.append(len(queries.captured_queries))
    assert max(counts) <= MAX_QUERIES_PER_STEP, counts

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries.captured_queries) == 1
