"""Keep personal data out of logs and error mails.

People tell this site private things. A log line or an error mail must never contain an
answer, an email address or a result token, whatever the code that logged it did.
"""

import logging
import re
import traceback
from types import TracebackType
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

EMAIL_RE = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+")
# Result and resume tokens are long URL-safe strings; any such run is masked unless it is
# all lower case without digits (a snake_case name such as purge_unfinished_sessions:
# a random 43-character token looks like that with a probability of about 1e-15).
TOKEN_RE = re.compile(r"[A-Za-z0-9_\-]{20,}")
TOKEN_HINT_RE = re.compile(r"[A-Z0-9]")
QUERY_RE = re.compile(r"\?\S*")


def redact(text: str) -> str:
    """Mask email addresses, tokens and query strings in a piece of log text."""
    text = EMAIL_RE.sub("[email]", text)
    text = QUERY_RE.sub("?[query]", text)
    return TOKEN_RE.sub(_mask_token, text)


def _mask_token(match: re.Match[str]) -> str:
    return "[token]" if TOKEN_HINT_RE.search(match.group(0)) else match.group(0)


def describe_exception(error: BaseException, tb: TracebackType | None) -> str:
    """Name the exception and where it happened, without its message or any value.

    Exception messages carry data (a database error quotes the row that clashed, a
    ValueError the bad input), so a log line keeps only the type and code locations:
    enough to find the bug, nothing about the person who hit it.
    """
    frames = traceback.extract_tb(tb) if tb is not None else []
    where = [f"{_short_path(f.filename)}:{f.lineno} in {f.name}" for f in frames]
    ours = [
        location
        for frame, location in zip(frames, where, strict=True)
        if "/securebase/" in frame.filename and "/site-packages/" not in frame.filename
    ]
    parts = [type(error).__name__]
    if where:
        parts.append(f"at {where[-1]}")
    if ours and ours[-1] != where[-1]:
        parts.append(f"via {ours[-1]}")
    return " ".join(parts)


def _short_path(filename: str) -> str:
    for marker in ("/site-packages/", "/securebase/"):
        if marker in filename:
            head = "" if marker == "/site-packages/" else "securebase/"
            return head + filename.rsplit(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]


class RedactFilter(logging.Filter):
    """Rewrite every record's message through :func:`redact`; drop request and traceback.

    The traceback is replaced by a one-line :func:`describe_exception`, so neither the
    log nor the error mail (which would otherwise render the traceback with the
    exception's message) can carry a value from the failed request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message} [{describe_exception(record.exc_info[1], record.exc_info[2])}]"
        record.msg = redact(message)
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if hasattr(record, "request"):
            record.request = None
        return True


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports keep the traceback's shape but none of the values that flowed through it.

    Connection URLs are hidden too: ``DATABASE_URL`` and ``REDIS_URL`` embed passwords
    and Django's default pattern does not catch them.
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|REDIS_URL|DSN",
        flags=re.IGNORECASE,
    )

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        return {}


class OperatorEmailHandler(AdminEmailHandler):
    """Mail operators the redacted log line only, not Django's technical error report.

    The stock report lists request data, every setting and the traceback; even filtered,
    that is far more than an operator needs to know that something broke and where.
    The line (already passed through :class:`RedactFilter`) names the exception type
    and code location; the details are in the server log next to it.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if not settings.ADMINS:
            return
        line = self.format(record)
        subject = self.format_subject(f"{record.levelname}: {record.getMessage()}")
        body = (
            f"{line}\n\n"
            "securebase sends no request data, values or tracebacks by mail. "
            "The server log has the same line with its time.\n"
        )
        self.send_mail(subject, body, fail_silently=True)
