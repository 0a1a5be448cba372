"""Path converters: what a URL parameter may look like before any view sees it."""

from __future__ import annotations


class TokenConverter:
    """A quiz session's private token: URL-safe base64 (``secrets.token_urlsafe``).

    Anything else cannot be a token, so it is "not found" at the URL already, before it
    reaches a view or the database: PostgreSQL answers a NUL character in a text value
    with an error rather than "no such row", and an over-long value is never a key.
    """

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
