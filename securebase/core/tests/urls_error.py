"""A URL map for tests only: the real site plus one view that fails on purpose.

Used with ``@pytest.mark.urls`` so the friendly 500 page can be checked against a real
unhandled exception without adding a failing URL to the site.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from securebase.core import views as core_views

FAILURE_MARKER = "marker-boom-5f3a"


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"forced failure carrying {FAILURE_MARKER} and {request.GET.urlencode()}")


urlpatterns = [
    path("test-only/fail/", fail),
    path("", include("securebase.urls")),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
