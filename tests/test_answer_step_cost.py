"""What one answer costs the database: counted, so that a change that adds queries shows.

The answer step is the request pair every person makes a dozen times or more (the POST
of the answer form and the GET of the next question it redirects to); its time under load
is in the performance budget (docs/research/benchmarks-web.md). Its queries: the POST runs one
write transaction that reads the quiz session once, locked (BEGIN,
``select_for_update().get()``, the answer's ``create()``, ``save(update_fields=...)`` of
the changed columns, COMMIT); the GET reads the quiz session. Neither reads the visitor's
Django session (only the private link does, to remember the quiz in that browser). Under
the test's transaction, BEGIN/COMMIT are a SAVEPOINT and its RELEASE: 6 statements.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_RE = re.compile(r'name="item" value="(\d+)"')
MAX_QUERIES_PER_STEP = 6


@pytest.mark.django_db
def test_an_answer_step_costs_at_most_six_queries_and_healthz_one(client: Client) -> None:
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
        sqls = [q["sql"] for q in queries.captured_queries]
        assert not any("django_session" in sql for sql in sqls), sqls
        updates = [sql for sql in sqls if sql.startswith("UPDATE")]
        # One UPDATE of the columns an answer changes, not a rewrite of the whole row.
        assert len(updates) == 1 and '"consent_research"' not in updates[0], updates
    assert max(counts) <= MAX_QUERIES_PER_STEP, counts

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries.captured_queries) == 1


@pytest.mark.django_db
def test_an_htmx_answer_gets_the_question_fragment_and_a_full_page_gets_the_page(
    client: Client,
) -> None:
    """htmx swaps in ``#quiz`` only, so it is sent only that; a browser without JS, the page."""
    page = client.get("/quiz/")
    csrf = CSRF_RE.search(page.content.decode())
    assert csrf
    url = client.post(
        "/quiz/", {"csrfmiddlewaretoken": csrf.group(1), "form": "full", "adult": "on"}
    )["Location"]
    html = client.get(url).content.decode()
    assert html.lstrip().startswith("<!doctype html>") and 'class="site-header"' in html
    item, csrf = ITEM_RE.search(html), CSRF_RE.search(html)
    assert item and csrf
    with CaptureQueriesContext(connection) as queries:
        answered = client.post(
            url,
            {"csrfmiddlewaretoken": csrf.group(1), "item": item.group(1), "value": 4},
            headers={"HX-Request": "true"},
        )
    fragment = answered.content.decode()
    assert answered.status_code == 200 and answered["HX-Push-Url"].endswith("/q/2/")
    assert fragment.lstrip().startswith('<div id="quiz"') and "<html" not in fragment
    assert 'name="item" value="2"' in fragment and "site-header" not in fragment
    # One request instead of the POST and GET pair: the write transaction only.
    assert len(queries.captured_queries) <= MAX_QUERIES_PER_STEP - 1
