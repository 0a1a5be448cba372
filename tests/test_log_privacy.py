"""No personal data in any log line or error mail, even when a request fails.

The real app runs in gunicorn (two workers) with its logs captured to a file and error
mails going to a real SMTP server. The test types marker strings into every place a
person can type (quiz, report email, newsletter, API, query strings), then breaks the
database under two forms so that real requests fail with a 500 while carrying an email
address, and finally searches every captured log line and every operator mail for the
markers and the quiz tokens.
"""

from __future__ import annotations

import http.cookiejar
import secrets
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from securebase.reports.tests.factories import KEYED, clicked
from tests.servers import prepare_site, request, running_servers, site_env

OPERATOR = "ops-team@example.net"


class Inputs(HTMLParser):
    """Hidden inputs of a page (CSRF token, the item on screen)."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.hidden.setdefault(str(values["name"]), values.get("value") or "")


@dataclass
class Page:
    status: int
    url: str
    body: str

    def hidden(self, name: str) -> str:
        parser = Inputs()
        parser.feed(self.body)
        assert name in parser.hidden, f"no hidden {name} on {self.url}"
        return parser.hidden[name]


class Visitor:
    """A cookie-keeping browser without JavaScript: GET pages, POST their forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, form: dict[str, str] | None = None) -> Page:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as response:
                return Page(response.status, response.url, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.read().decode())

    def submit(self, page: Page, path: str, form: dict[str, str]) -> Page:
        return self.open(path, {"csrfmiddlewaretoken": page.hidden("csrfmiddlewaretoken"), **form})


def finish_quiz_in_pages(visitor: Visitor, marker: str) -> tuple[str, Page]:
    """Take the adaptive quiz through the HTML forms; one answer is an invalid marker."""
    start = visitor.open("/quiz/")
    page = visitor.submit(start, "/quiz/", {"form": "adaptive", "adult": "on"})
    assert "/quiz/s/" in page.url, page.url
    token = page.url.split("/quiz/s/", 1)[1].split("/", 1)[0]
    # Each answer goes to the address of the question on screen, as the form's action says.
    rejected = visitor.submit(
        page,
        urllib.parse.urlsplit(page.url).path,
        {"item": page.hidden("item"), "value": f"{marker}-answer"},
    )
    assert rejected.status == 422
    for _ in range(60):
        if "/about-you/" in page.url:  # the optional last step: skip it
            page = visitor.submit(page, f"/quiz/s/{token}/about-you/", {"skip": "1"})
        if "/results/" in page.url:
            return token, page
        page = visitor.submit(
            page,
            urllib.parse.urlsplit(page.url).path,
            # Answers a person could give, so the result page shows its forms.
            {
                "item": page.hidden("item"),
                "value": str(clicked(int(page.hidden("item")), KEYED["anxious"])),
            },
        )
        assert page.status == 200, page.body[:500]
    raise AssertionError("quiz did not finish in 60 answers")


def wait_for_operator_mails(smtp_server: Any, count: int, timeout: float = 15.0) -> list[Any]:
    """Error mails go out from the failing request itself; give the SMTP server a moment."""
    deadline = time.monotonic() + timeout
    while True:
        mails = [m for m in list(smtp_server.messages) if OPERATOR in str(m["To"])]
        if len(mails) >= count or time.monotonic() > deadline:
            return mails
        time.sleep(0.1)


def drop_table(database: Path, model: Any) -> None:
    with sqlite3.connect(database) as db:
        db.execute(f'DROP TABLE "{model._meta.db_table}"')


@pytest.mark.slow
def test_markers_never_reach_logs_or_error_mails(tmp_path: Path, smtp_server: Any) -> None:
    from securebase.newsletter.models import Subscriber
    from securebase.reports.models import ReportEmail

    marker = f"marker-{secrets.token_hex(4)}"
    var_dir = tmp_path / "var"
    env = site_env(
        var_dir,
        ADMIN_EMAILS=OPERATOR,
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
        EMAIL_USE_TLS="0",
        DEFAULT_FROM_EMAIL="securebase <hello@example.net>",
    )
    prepare_site(var_dir, env)
    database = var_dir / "securebase.sqlite3"
    tokens: list[str] = []
    with running_servers(env, tmp_path, count=1, workers=2) as (server,):
        visitor = Visitor(server.url)
        # The quiz, through the pages, then the report mail and the newsletter box.
        token, result = finish_quiz_in_pages(visitor, marker)
        tokens.append(token)
        sent = visitor.submit(
            result,
            f"/results/{token}/email/",
            {"email": f"{marker}-report@example.org", "subscribe": "1"},
        )
        assert sent.status == 200, sent.body[:500]
        bad = visitor.submit(result, f"/results/{token}/email/", {"email": f"{marker}-no-at"})
        assert bad.status in {200, 422}
        # The newsletter form, with a good and a broken address.
        newsletter = visitor.open("/newsletter/")
        assert visitor.submit(newsletter, "/newsletter/", {"email": f"{marker}-news@example.org"})
        assert visitor.submit(newsletter, "/newsletter/", {"email": f"{marker}-nonsense"})
        # The API, with values no schema accepts.
        api = request("POST", f"{server.url}/api/v1/sessions", {"form": "adaptive"})
        assert api.status == 201
        tokens.append(api.json()["token"])
        answers = f"{server.url}/api/v1/sessions/{tokens[-1]}/answers"
        for body in ({"item": 1, "value": marker}, {"item": marker, "value": 3}, marker):
            assert request("POST", answers, body).status in {400, 422}
        # Query strings and paths.
        for path in (f"/?q={marker}-query", f"/results/{token}/?ref={marker}-query"):
            assert visitor.open(path).status in {200, 302}
        assert visitor.open(f"/articles/{marker}-path/").status == 404
        assert request("GET", f"{server.url}/api/v1/sessions/{marker}-token").status == 404

        # Now real failures: the tables behind two forms disappear mid-run.
        drop_table(database, ReportEmail)
        drop_table(database, Subscriber)
        failed = [
            visitor.submit(
                result, f"/results/{token}/email/", {"email": f"{marker}-report2@example.org"}
            ),
            visitor.submit(newsletter, "/newsletter/", {"email": f"{marker}-news2@example.org"}),
        ]
        operator_mails = wait_for_operator_mails(smtp_server, 2)

    for page in failed:
        assert page.status == 500
        assert "Sorry, something went wrong" in page.body
        assert "Traceback" not in page.body and "OperationalError" not in page.body
        assert marker not in page.body

    logs = "\n".join(path.read_text() for path in sorted(tmp_path.glob("server-*.log")))
    assert "Internal Server Error" in logs, logs[-2000:]  # the failures were logged ...
    assert len(operator_mails) >= 2, [m["Subject"] for m in smtp_server.messages]
    mails = "\n".join(m.as_string() for m in operator_mails)
    # ... without a single marker, token or traceback.
    for secret in (marker, *tokens):
        assert secret not in logs, f"{secret} in server log"
        assert secret not in mails, f"{secret} in an operator mail"
    assert "Traceback" not in logs
    assert "Traceback" not in mails
    # The person's own report mail did arrive (the app did send mail at all).
    assert any(f"{marker}-report@example.org" in str(m["To"]) for m in smtp_server.messages)
