"""Logs and error mails must never carry an answer, an address or a token."""

import logging
import sys
from typing import Any

import pytest
from django.test import RequestFactory

from securebase.core.logging import PrivateExceptionReporterFilter, RedactFilter, redact

TOKEN = "Zx9_Qm4-kL2pR7sT1vW3yB5nD8fH0jA6cE2gI4oU1a"  # shaped like token_urlsafe(32)


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("sending report to someone.private@example.org now", "someone.private@example.org"),
        (f"Not Found: /results/{TOKEN}/", TOKEN),
        (f"GET /quiz/s/{TOKEN}/?answer=5", TOKEN),
        ("GET /newsletter/?email=a%40b.org&x=marker-q1", "marker-q1"),
        ("Invalid <marker@x.io>", "marker@x.io"),
    ],
)
def test_redact_masks_personal_data(text: str, leak: str) -> None:
    assert leak not in redact(text)


def test_redact_keeps_ordinary_words_and_short_paths() -> None:
    text = "Internal Server Error: /quiz/ took 12 ms"
    assert redact(text) == text


def test_redact_keeps_code_names_but_masks_every_token_shape() -> None:
    text = "in securebase/quiz/management/commands/purge_unfinished_sessions.py"
    assert redact(text) == text
    for token in (TOKEN, "abcdefghijklmnopqrstu1", "ABCDEFGHIJKLMNOPQRSTUV"):
        assert token not in redact(f"/results/{token}/")


def _record(msg: str, args: tuple[object, ...] = (), exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_redact_filter_formats_args_before_masking() -> None:
    record = _record("Subscription for %s failed at %s", ("x.y@example.org", f"/results/{TOKEN}/"))
    assert RedactFilter().filter(record) is True
    assert record.args is None
    assert "x.y@example.org" not in record.getMessage()
    assert TOKEN not in record.getMessage()
    assert "Subscription for [email] failed" in record.getMessage()


def test_redact_filter_replaces_traceback_with_value_free_summary() -> None:
    def fail() -> None:
        raise ValueError("bad address marker-77@example.org in field")

    try:
        fail()
    except ValueError:
        record = _record("Internal Server Error: %s", ("/newsletter/",), sys.exc_info())
    record.request = RequestFactory().post("/newsletter/", {"email": "marker-77@example.org"})
    RedactFilter().filter(record)
    formatted = logging.Formatter("%(message)s").format(record)
    assert "marker-77" not in formatted
    assert "Traceback" not in formatted
    assert "ValueError" in formatted
    assert "test_logging.py" in formatted and "in fail" in formatted
    assert record.exc_info is None and record.request is None


def test_redact_filter_survives_bad_format_args() -> None:
    record = _record("%d answers from %s", ("many",))
    assert RedactFilter().filter(record) is True
    assert "%d answers" in record.getMessage()


def test_exception_reporter_hides_post_locals_cookies_and_urls(settings: object) -> None:
    request = RequestFactory().post(
        "/results/x/email/", {"email": "p@example.org"}, HTTP_COOKIE="sessionid=abc"
    )
    reporter = PrivateExceptionReporterFilter()
    assert reporter.get_post_parameters(request) == {"email": reporter.cleansed_substitute}
    assert reporter.get_safe_cookies(request) == {}
    assert reporter.get_safe_request_meta(request) == {}

    def frame_with_secret() -> object:
        answer = "marker-answer-5"  # noqa: F841 - read through the frame below
        return sys._getframe()

    frame = frame_with_secret()
    assert reporter.get_traceback_frame_variables(request, frame) == [
        ("answer", reporter.cleansed_substitute)
    ]
    safe = reporter.get_safe_settings()
    assert safe["DATABASE_URL"] == reporter.cleansed_substitute
    assert safe["SECRET_KEY"] == reporter.cleansed_substitute


def test_operator_mail_carries_the_redacted_line_only(settings: Any, mailoutbox: list[Any]) -> None:
    settings.ADMINS = [("Operators", "ops@example.net")]
    logger = logging.getLogger("django.request")
    try:
        raise KeyError("marker-mail-9@example.org")
    except KeyError:
        logger.error("Internal Server Error: %s", f"/results/{TOKEN}/email/", exc_info=True)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ops@example.net"]
    text = mail.subject + mail.body
    assert "Internal Server Error: /results/[token]/email/" in text
    assert "KeyError" in text
    for leak in ("marker-mail-9", TOKEN, "Traceback", "SECRET_KEY", "DATABASE_URL"):
        assert leak not in text
