"""Response headers that Django's SecurityMiddleware does not set itself."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from securebase.core.privacy import private_response

# Nothing on this site needs a camera, a microphone or a location; say so to the browser.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Every response under these paths belongs to one person's quiz or result (capability
# URLs), including redirects and error answers; none of them may be cached or indexed.
PRIVATE_PATH_PREFIXES = ("/results/", "/quiz/s/", "/api/v1/sessions")


class PrivacyHeadersMiddleware:
    """Adds Permissions-Policy everywhere and keeps private pages out of caches and indexes.

    Everything under the private path prefixes is marked private here, so the views there
    need not (the quiz views rely on it); a view elsewhere that shows something personal
    marks its response with :func:`securebase.core.privacy.private_response`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.path.startswith(PRIVATE_PATH_PREFIXES):
            private_response(response)
        return response
