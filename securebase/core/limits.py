"""Every rate limit of the site, in one table, and the one way they are counted.

Each limit names its counter group, the setting an operator may override it with, and its
default with the reason for it. They are counted by django-ratelimit on the atomic counter
table of :mod:`securebase.core.ratelimit`, keyed by the trusted client IP
(:mod:`securebase.core.clientip`) or by something the view chooses (a result's token, a hash of
an address), never by anything stored in clear. The admin login throttle is django-axes'
(settings ``AXES_*``), not a rate limit of this kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

Key = str | Callable[[str, HttpRequest], str]


@dataclass(frozen=True)
class Limit:
    """A named limit: ``default`` unless the setting ``setting`` overrides it (when not empty)."""

    group: str
    setting: str
    default: str

    @property
    def rate(self) -> str:
        return str(getattr(settings, self.setting, "") or self.default)

    def reached(self, request: HttpRequest, key: Key = "ip") -> int | None:
        """Count this request: seconds until the limit lifts if it is reached, else ``None``."""
        usage: dict[str, Any] | None = get_usage(
            request, group=self.group, key=key, rate=self.rate, increment=True
        )
        if usage is None or not usage["should_limit"]:
            return None
        return max(0, int(usage["time_left"]))

    def reached_by(self, key: str) -> bool:
        """Count one use by ``key`` where no request is at hand (a service); True if reached."""
        return self.reached(HttpRequest(), lambda group, request: key) is not None


#: Starting a quiz is the one write not tied to an existing token, so it is what a script
#: would use to fill the database. Operators may set it (``QUIZ_START_RATE``); load tests
#: from one loopback address raise it.
QUIZ_START = Limit("quiz.start", "SECUREBASE_QUIZ_START_RATE", "30/m")
#: A person may mail their report to themselves a couple of times; more from one result, to
#: one address or from one network is somebody else's script.
REPORT_EMAIL_PER_RESULT = Limit(
    "reports.email.token", "SECUREBASE_REPORT_EMAIL_RATE_PER_RESULT", "3/h"
)
REPORT_EMAIL_PER_ADDRESS = Limit(
    "reports.email.address", "SECUREBASE_REPORT_EMAIL_RATE_PER_ADDRESS", "3/h"
)
REPORT_EMAIL_PER_IP = Limit("reports.email.ip", "SECUREBASE_REPORT_EMAIL_RATE_PER_IP", "20/h")
#: A first PDF is the costliest response the site makes; nobody needs their own report more
#: often.
REPORT_PDF_PER_RESULT = Limit("reports.pdf.token", "SECUREBASE_REPORT_PDF_RATE_PER_RESULT", "20/h")
REPORT_PDF_PER_IP = Limit("reports.pdf.ip", "SECUREBASE_REPORT_PDF_RATE_PER_IP", "60/h")
#: Each subscription sends a confirmation mail to an address somebody typed.
NEWSLETTER_SUBSCRIBE = Limit(
    "newsletter.subscribe", "SECUREBASE_NEWSLETTER_SUBSCRIBE_RATE_PER_IP", "10/h"
)
#: Confirmation mails to one address, whichever form asked for them (keyed by the address's
#: hash): enough for "I did not get it, send again", too few to flood somebody's inbox.
NEWSLETTER_PER_ADDRESS = Limit(
    "newsletter.address", "SECUREBASE_NEWSLETTER_CONFIRMATIONS_PER_ADDRESS", "3/h"
)

LIMITS: tuple[Limit, ...] = (
    QUIZ_START,
    REPORT_EMAIL_PER_RESULT,
    REPORT_EMAIL_PER_ADDRESS,
    REPORT_EMAIL_PER_IP,
    REPORT_PDF_PER_RESULT,
    REPORT_PDF_PER_IP,
    NEWSLETTER_SUBSCRIBE,
    NEWSLETTER_PER_ADDRESS,
)
