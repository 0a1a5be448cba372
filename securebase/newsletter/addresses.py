"""Email addresses: one canonical form, a refusal of header tricks, and a keyed hash.

The hash is an HMAC keyed with ``SECRET_KEY`` rather than a bare SHA-256: a bare hash
of an address can be reversed by hashing a list of leaked addresses, a keyed one only
by someone who also holds the secret. The price: after rotating ``SECRET_KEY`` the old
suppression hashes and rate-limit counters no longer match (a hard-bounced address
could then be sent one more confirmation mail if someone asks for it).
"""

from __future__ import annotations

import unicodedata

import email_validator
from django.conf import settings
from django.utils.crypto import salted_hmac

# Characters that have a meaning in mail headers or separate several addresses. An
# address containing them is either a typo or an attempt to add recipients/headers.
HEADER_CHARACTERS = frozenset('\r\n\x00,;<>"\\')
MAX_LENGTH = 254
# Invisible characters that copy and paste or a phone keyboard slip into an address and
# that change nothing a person can see: zero-width space, non-joiner and joiner, word
# joiner, invisible operators, byte-order mark, soft hyphen, Mongolian vowel separator,
# and the bidirectional *marks* (they have no width and reorder nothing). They are
# removed. The bidirectional embeddings, overrides and isolates (U+202A..U+202E,
# U+2066..U+2069) are not: they change the order in which the rest is shown, so an
# address containing one may read as another, and it is refused like every other
# remaining control or format character.
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u200e\u200f\u061c")
)
# Names no mail can reach on the internet, refused in addition to the special-use names
# email-validator knows (RFC 6761/6762/7686: localhost, local, invalid, test, onion,
# arpa): the Linux "localhost.localdomain", ICANN's private ".internal", and the domain
# reserved for documentation (RFC 2606), which the tests may use.
RESERVED_SUFFIXES: tuple[str, ...] = ("localdomain", "internal")
TEST_SUFFIXES = ("example", "test")

MESSAGES = {
    "empty": "Please enter your email address.",
    "header": (
        "An email address cannot contain line breaks, spaces or the characters "
        ', ; < > " \\. Please enter a single address like name@example.org.'
    ),
    "hidden": (
        "This address contains a hidden character that changes how text is shown (it "
        "often comes with copying and pasting). Please type the address again."
    ),
    "space": "An email address cannot contain spaces.",
    "long": "This email address is too long.",
    "invalid": (
        "This does not look like an email address. Please check it, for example name@example.org."
    ),
    "reserved": (
        "No mail can reach that address: its domain is reserved for local networks or "
        "testing. Please enter an email address like name@example.org."
    ),
}


class InvalidEmail(ValueError):
    """The text is not one plain email address; ``str(exc)`` is a message for people and
    ``code`` says which rule it broke (a key of ``MESSAGES``)."""

    def __init__(self, code: str) -> None:
        super().__init__(MESSAGES[code])
        self.code = code


def _is_control_or_format(ch: str) -> bool:
    return unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


def _reserved(domain: str) -> bool:
    labels = domain.split(".")
    suffixes = RESERVED_SUFFIXES
    if not getattr(settings, "SECUREBASE_EMAIL_ALLOW_TEST_DOMAINS", False):
        suffixes += TEST_SUFFIXES
    return labels[-1] in suffixes or labels[-1].isdigit()


def normalise_email(raw: str) -> str:
    """The one canonical spelling of an address, or :class:`InvalidEmail`.

    Every limit, lookup and stored hash uses this form, so that spellings that reach one
    mailbox count as one address: Unicode NFKC (fullwidth letters become ASCII ones), invisible
    characters removed, the domain in its ASCII (IDNA, UTS 46) form, all lower case.
    Lower-casing the local part is technically lossy, but every mailbox provider people
    use treats it case-insensitively, and one person must not be two subscribers.
    Syntax and the special-use domains are email-validator's rules (no DNS query:
    deliverability checks are off); local parts stay ASCII, as every mail server takes.
    """
    value = (raw or "").strip()
    if not value:
        raise InvalidEmail("empty")
    for text in (value, unicodedata.normalize("NFKC", value)):
        if any(ch in HEADER_CHARACTERS or ord(ch) < 32 or ord(ch) == 127 for ch in text):
            raise InvalidEmail("header")
    value = unicodedata.normalize("NFKC", value).translate(INVISIBLE).strip()
    if any(_is_control_or_format(ch) for ch in value):
        raise InvalidEmail("hidden")
    if any(ch.isspace() for ch in value):
        raise InvalidEmail("space")
    if len(value) > MAX_LENGTH:
        raise InvalidEmail("long")
    try:
        checked = email_validator.validate_email(
            value,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_domain_literal=False,
            allow_quoted_local=False,
            allow_display_name=False,
            globally_deliverable=True,
            test_environment=bool(getattr(settings, "SECUREBASE_EMAIL_ALLOW_TEST_DOMAINS", False)),
        )
    except email_validator.EmailNotValidError as exc:
        if "special-use or reserved" in str(exc):
            raise InvalidEmail("reserved") from exc
        raise InvalidEmail("invalid") from exc
    domain = checked.ascii_domain.lower()
    if _reserved(domain):
        raise InvalidEmail("reserved")
    return f"{checked.local_part}@{domain}".lower()


def address_hash(normalised_email: str) -> str:
    """Keyed SHA-256 of a normalised address, as 64 hex characters."""
    return salted_hmac(
        "securebase.newsletter.address", normalised_email, algorithm="sha256"
    ).hexdigest()
