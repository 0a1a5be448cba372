"""The visitor's IP address for rate limits, also when the app runs behind reverse proxies.

Behind a proxy every request arrives from the proxy's address, so per-IP limits would
throttle the whole site as one visitor. ``X-Forwarded-For`` cannot simply be trusted
either: a client can send any value. Each proxy appends the address it saw, so with
``TRUSTED_PROXY_HOPS=n`` the n-th entry from the right is the one our own outermost
proxy wrote, and everything left of it is ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# Where no address can be read (gunicorn on a Unix socket leaves REMOTE_ADDR empty; a
# proxy may write "unknown"), all such requests share one bucket instead of failing:
# django-ratelimit and django-axes need a valid address and raise on anything else.
UNKNOWN = "0.0.0.0"  # noqa: S104 - a bucket label, nothing binds to it


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return UNKNOWN


def client_ip(request: HttpRequest) -> str:
    hops: int = settings.SECUREBASE_TRUSTED_PROXY_HOPS
    remote = request.META.get("REMOTE_ADDR", "")
    if hops <= 0:
        return _valid(remote)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return _valid(remote)  # not (fully) proxied: a direct connection to the app server
    return _valid(forwarded[-hops])
