"""Response headers that Django's SecurityMiddleware does not set itself."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from securebase.core.privacy import private_response, token_route_prefixes

# Nothing on this site needs a camera, a microphone or a location; say so to the browser.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Every response under these paths belongs to one person's quiz or result (capability
# URLs), including redirects and error answers; none of them may be cached or indexed.
# Routes that carry a token in their path are found in the URLconf
# (core.privacy.token_route_prefixes); this one hands a new token out in its body.
PRIVATE_PATH_PREFIXES = ("/api/v1/sessions",)


class PrivacyHeadersMiddleware:
    """Adds Permissions-Policy everywhere and keeps private pages out of caches and indexes.

    Views mark a response private with :func:`securebase.core.privacy.private_response`;
    this middleware fills in the defaults that apply to every page and marks everything
    on a route that carries a token private too: the one mechanism that also covers
    what no view renders (CommonMiddleware's redirect that adds a trailing slash and
    repeats the token, 404s, 405s). The quiz views rely on it and mark nothing themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.path_info.startswith((*PRIVATE_PATH_PREFIXES, *token_route_prefixes())):
            private_response(response)
        return response
