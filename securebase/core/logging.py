"""Keep personal data out of logs and error mails.

People tell this site private things. A log line or an error mail must never contain an
answer, an email address or a result token, whatever the code that logged it did.
"""

import logging
import re
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

EMAIL_RE = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+")
# Result and resume tokens are long URL-safe strings; any such run is masked.
TOKEN_RE = re.compile(r"[A-Za-z0-9_\-]{20,}")
QUERY_RE = re.compile(r"\?\S*")


def redact(text: str) -> str:
    """Mask email addresses, tokens and query strings in a piece of log text."""
    text = EMAIL_RE.sub("[email]", text)
    text = QUERY_RE.sub("?[query]", text)
    return TOKEN_RE.sub("[token]", text)


class RedactFilter(logging.Filter):
    """Rewrite every record's message through :func:`redact` and drop the request object."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if hasattr(record, "request"):
            record.request = None
        return True


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports keep the traceback's shape but none of the values that flowed through it."""

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        return {}
