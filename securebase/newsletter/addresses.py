"""Email addresses: one normal form, a refusal of header tricks, and a keyed hash.

The hash is an HMAC keyed with ``SECRET_KEY`` rather than a bare SHA-256: a bare hash
of an address can be reversed by hashing a list of leaked addresses, a keyed one only
by someone who also holds the secret. The price: after rotating ``SECRET_KEY`` the old
suppression hashes and rate-limit counters no longer match (a hard-bounced address
could then be sent one more confirmation mail if someone asks for it).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.crypto import salted_hmac

# Characters that have a meaning in mail headers or separate several addresses. An
# address containing them is either a typo or an attempt to add recipients/headers.
HEADER_CHARACTERS = frozenset('\r\n\x00,;<>"\\')
MAX_LENGTH = 254


class PublicEmailValidator(EmailValidator):
    """Django's validator without what cannot be someone's mailbox on the internet.

    Django accepts ``name@localhost`` (its default allowlist) and IP literals such as
    ``name@[127.0.0.1]``; mail to them would go to our own machine or network, never to
    the person. Domains need a dot (Django's pattern already says so once the allowlist
    is empty), no brackets, and a top-level domain that is not all digits
    (``name@10.0.0.1``), as no real one is.
    """

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message=message, allowlist=[])

    def validate_domain_part(self, domain_part: str) -> bool:
        if domain_part.startswith("[") or domain_part.rsplit(".", 1)[-1].isdigit():
            return False
        return bool(super().validate_domain_part(domain_part))


_validate = PublicEmailValidator()


class InvalidEmail(ValueError):
    """The text is not one plain email address; ``str(exc)`` is a message for people."""


def normalise_email(raw: str) -> str:
    """Return the address trimmed and lower-cased, or raise :class:`InvalidEmail`.

    Lower-casing the local part is technically lossy, but every mailbox provider people
    use treats it case-insensitively, and one person must not be two subscribers.
    """
    value = (raw or "").strip()
    if not value:
        raise InvalidEmail("Please enter your email address.")
    if any(ch in HEADER_CHARACTERS or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise InvalidEmail(
            "An email address cannot contain line breaks, spaces or the characters "
            ', ; < > " \\. Please enter a single address like name@example.org.'
        )
    if any(ch.isspace() for ch in value):
        raise InvalidEmail("An email address cannot contain spaces.")
    if len(value) > MAX_LENGTH:
        raise InvalidEmail("This email address is too long.")
    try:
        _validate(value)
    except ValidationError as exc:
        raise InvalidEmail(
            "This does not look like an email address. Please check it, for example "
            "name@example.org."
        ) from exc
    return value.lower()


def address_hash(normalised_email: str) -> str:
    """Keyed SHA-256 of a normalised address, as 64 hex characters."""
    return salted_hmac(
        "securebase.newsletter.address", normalised_email, algorithm="sha256"
    ).hexdigest()
