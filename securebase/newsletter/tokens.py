"""Signed links: the confirmation link expires and works once, the unsubscribe link never expires.

Confirmation: a ``TimestampSigner`` signature over the subscriber id and a random
per-subscriber nonce. The signature makes the link unforgeable, the timestamp makes it
expire, and the nonce (cleared when the subscription is confirmed) makes it single-use.

Unsubscribe: a plain ``Signer`` signature over the subscriber's random
``unsubscribe_key``. The key alone would already be unguessable; the signature lets a
valid-but-used link ("you already left") be told apart from a forged or mangled one,
so one-click requests from mail providers get a calm 200 when repeated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

CONFIRM_SALT = "securebase.newsletter.confirm"
UNSUBSCRIBE_SALT = "securebase.newsletter.unsubscribe"
CONFIRM_MAX_AGE_SECONDS = 3 * 24 * 3600


class InvalidLink(Exception):
    """The link was altered, truncated or never issued by us."""


class ExpiredLink(InvalidLink):
    """The link was ours but is too old."""


@dataclass(frozen=True)
class ConfirmClaim:
    subscriber_id: int
    nonce: str


def confirm_payload(subscriber_id: int, nonce: str) -> dict[str, object]:
    return {"s": subscriber_id, "n": nonce}


def make_confirm_token(subscriber_id: int, nonce: str) -> str:
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    return signer.sign_object(confirm_payload(subscriber_id, nonce), compress=False)


def read_confirm_token(token: str) -> ConfirmClaim:
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        data = signer.unsign_object(token, max_age=CONFIRM_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise ExpiredLink from exc
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise InvalidLink from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise InvalidLink
    return ConfirmClaim(subscriber_id=data["s"], nonce=str(data.get("n", "")))


def make_unsubscribe_token(unsubscribe_key: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(unsubscribe_key)


def read_unsubscribe_token(token: str) -> str:
    """Return the subscriber key inside a genuine token, or raise :class:`InvalidLink`."""
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidLink from exc
