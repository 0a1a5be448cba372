"""What an SMTP error means for one delivery: retry later, give up, or stop the whole run.

- A 5xx answer about the recipient (RCPT, or DATA for our one-recipient mails) is
  permanent: the address is suppressed, so a dead mailbox is not mailed again.
- A 4xx answer is temporary: retry with backoff.
- A refusal of *our* sender, authentication or greeting says nothing about the
  recipient: it would fail for everyone, so the run stops instead of burning every
  subscriber's attempts (and certainly without suppressing anyone).
- A dropped connection or timeout is temporary and also stops the run; the next run
  reconnects after a pause.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    code: int | None
    permanent: bool
    halt: bool
    kind: str

    def describe(self) -> str:
        """A log-safe description: an error class and code, never the server's text."""
        return f"{self.kind} {self.code}" if self.code else self.kind


_OUR_SIDE = (
    smtplib.SMTPSenderRefused,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPHeloError,
    smtplib.SMTPNotSupportedError,
)


def classify(exc: BaseException) -> Failure:
    kind = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in exc.recipients.values()]
        code = int(codes[0]) if codes else None
        return Failure(code, permanent=bool(code and code >= 500), halt=False, kind=kind)
    if isinstance(exc, _OUR_SIDE):
        return Failure(getattr(exc, "smtp_code", None), permanent=False, halt=True, kind=kind)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = int(exc.smtp_code)
        return Failure(code, permanent=code >= 500, halt=False, kind=kind)
    return Failure(None, permanent=False, halt=True, kind=kind)
