"""Rate limits key on the visitor's address, not the proxy's, and cannot be spoofed."""

import pytest
from django.test import RequestFactory

from securebase.core.clientip import client_ip


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # spoofed entry on the left
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "", "10.0.0.2"),  # direct connection despite a proxy setup
        (2, "203.0.113.9", "10.0.0.2"),
    ],
)
def test_client_ip(settings: object, hops: int, forwarded: str, expected: str) -> None:
    settings.SECUREBASE_TRUSTED_PROXY_HOPS = hops  # type: ignore[attr-defined]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
