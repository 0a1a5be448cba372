"""Rate limits key on the visitor's address, not the proxy's, and cannot be spoofed."""

import pytest
from django.test import RequestFactory

from securebase.core.clientip import UNKNOWN, client_ip


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # spoofed entry on the left
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "", "10.0.0.2"),  # direct connection despite a proxy setup
        (2, "203.0.113.9", "10.0.0.2"),
        (1, "unknown", UNKNOWN),  # a proxy that could not tell: one shared bucket
        (1, "203.0.113.9:51234", UNKNOWN),  # not an address (never a 500)
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings: object, hops: int, forwarded: str, expected: str) -> None:
    settings.SECUREBASE_TRUSTED_PROXY_HOPS = hops  # type: ignore[attr-defined]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_no_address_at_all_is_one_bucket_not_an_error(settings: object) -> None:
    """gunicorn on a Unix socket leaves REMOTE_ADDR empty; rate limits must still work."""
    settings.SECUREBASE_TRUSTED_PROXY_HOPS = 0  # type: ignore[attr-defined]
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = ""
    assert client_ip(request) == UNKNOWN
