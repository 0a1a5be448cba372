"""The visitor's IP address for rate limits, also when the app runs behind reverse proxies.

Behind a proxy every request arrives from the proxy's address, so per-IP limits would
throttle the whole site as one visitor. ``X-Forwarded-For`` cannot simply be trusted
either: a client can send any value. Each proxy appends the address it saw, so with
``TRUSTED_PROXY_HOPS=n`` the n-th entry from the right is the one our own outermost
proxy wrote, and everything left of it is ignored.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    hops: int = settings.SECUREBASE_TRUSTED_PROXY_HOPS
    remote = request.META.get("REMOTE_ADDR", "")
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote  # not (fully) proxied: a direct connection to the app server
    return forwarded[-hops]
