"""Properties every route of the URLconf must have, checked on every route (tests/routes.py):

- hostile input (over-long, NUL-containing and non-UTF-8 path segments, query parameters
  and form fields) never makes the server fail (no 5xx: each would also mail the
  operators);
- HEAD answers wherever GET does, with the same status and headers and no body (uptime
  monitors and load balancers probe with HEAD);
- every response on a route that carries a token (a private capability link) is kept out
  of caches and search engines, redirects and errors included, with or without the
  trailing slash.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from django.test import Client

from securebase.newsletter.models import Subscriber
from securebase.newsletter.tokens import make_confirm_token, make_unsubscribe_token
from securebase.reports.tests.factories import finished_session
from tests.routes import Route, all_routes

# A sweep of every route, several requests each: out of the fast loop (make check).
pytestmark = pytest.mark.slow

ROUTES = all_routes()
TOKEN_ROUTES = [route for route in ROUTES if route.carries_token]
# Raw, as they appear on the wire (percent-encoded where a URL needs it).
HOSTILE = {
    "long": "a" * 300,
    "long-multibyte": "%C3%A9" * 200,
    "nul": "a%00b",
    "not-utf8": "%FF%FEa",
    "overlong-utf8": "%C0%AF",
}
# Every field name any form or view of the site reads, for hostile POST bodies.
FORM_FIELDS = [
    "email",
    "subscribe",
    "value",
    "item",
    "position",
    "gender",
    "age_band",
    "form",
    "consent_research",
    "confirm",
    "skip",
    "username",
    "password",
    "csrfmiddlewaretoken",
    "concerns",
    "q",
    "next",
]


FIXED_SAMPLES = {
    "position": "1",
    "slug": "secure",
    "style": "secure",
    "name": "classification",
    "app_label": "quiz",
    "content_type_id": "1",
    "object_id": "1",
    "url": "quiz/",
}


def _token_for(route: Route) -> str:
    """A real token of the kind the route expects (made only for routes that carry one)."""
    if route.template.startswith(("/newsletter/confirm/", "/newsletter/unsubscribe/")):
        subscriber = Subscriber.objects.create(email="reader@example.org")
        if route.template.startswith("/newsletter/confirm/"):
            return make_confirm_token(subscriber.pk, subscriber.confirm_nonce)
        return make_unsubscribe_token(subscriber.unsubscribe_key)
    return finished_session("secure").token


@pytest.fixture
def samples(db: None, request: pytest.FixtureRequest) -> dict[str, str]:
    """Real values for the route's parameters, so requests reach the views' own code."""
    route: Route = request.node.callspec.params["route"]
    if route.carries_token:
        return {**FIXED_SAMPLES, "token": _token_for(route)}
    return FIXED_SAMPLES


def _hostile_requests(route: Route, samples: dict[str, str]) -> Iterator[str]:
    """Paths with one hostile value in one place: each parameter, then the query string."""
    for parameter in route.parameters:
        for value in HOSTILE.values():
            yield route.path(samples, {parameter: value})
    for value in HOSTILE.values():
        query = "&".join(f"{field}={value}" for field in ("concerns", "q", "next", "page"))
        yield f"{route.path(samples)}?{query}"


def test_the_walk_finds_every_kind_of_route() -> None:
    templates = {route.template for route in ROUTES}
    assert {
        "/",
        "/method/figures/{name}.svg",
        "/results/{token}/report.pdf",
        "/newsletter/confirm/{token}/",
        "/api/v1/sessions/{token}/answers",
        "/operators/{app_label}/",
    } <= templates
    assert len(TOKEN_ROUTES) >= 12


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.template)
def test_hostile_segments_and_parameters_never_cause_a_server_error(
    route: Route, samples: dict[str, str], settings
) -> None:
    # Counted requests must not turn into 429s before the view's own code is reached.
    settings.SECUREBASE_REPORT_PDF_RATE_PER_RESULT = "10000/h"
    settings.SECUREBASE_REPORT_PDF_RATE_PER_IP = "10000/h"
    client = Client(raise_request_exception=False)
    bodies = itertools.cycle(
        "&".join(f"{field}={value}" for field in FORM_FIELDS) for value in HOSTILE.values()
    )
    failures = []
    for path in _hostile_requests(route, samples):
        for response in (
            client.get(path),
            client.post(path, next(bodies), content_type="application/x-www-form-urlencoded"),
        ):
            if response.status_code >= 500:
                failures.append((response.request["REQUEST_METHOD"], path[:80]))
    assert failures == []


def _comparable(response) -> dict[str, str]:
    """Headers that must not differ between GET and HEAD (cookies and dates may)."""
    names = ("Content-Type", "Cache-Control", "X-Robots-Tag", "Location", "Allow")
    return {name: response.headers.get(name, "") for name in names}


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.template)
def test_head_answers_wherever_get_does(route: Route, samples: dict[str, str]) -> None:
    path = route.path(samples)
    client = Client(raise_request_exception=False)
    get = client.get(path)
    if get.status_code == 405:
        pytest.skip("GET is not allowed here (POST-only)")
    head = client.head(path)
    again = client.get(path)  # HEAD is safe: it changed nothing

    assert (head.status_code, _comparable(head)) == (get.status_code, _comparable(get))
    assert again.status_code == get.status_code
    body = b"".join(head.streaming_content) if head.streaming else head.content
    assert body == b""


def _slash_toggled(path: str) -> str:
    return path.removesuffix("/") if path.endswith("/") else path + "/"


@pytest.mark.django_db
@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=lambda route: route.template)
def test_every_answer_on_a_token_route_is_private(route: Route, samples: dict[str, str]) -> None:
    """Including the redirect that adds a missing trailing slash, which repeats the token."""
    client = Client(raise_request_exception=False)
    real = route.path(samples)
    unknown = route.path(samples, {"token": "n0such-t0ken"})
    public = []
    for path in (real, unknown, _slash_toggled(real), _slash_toggled(unknown)):
        for response in (client.get(path), client.head(path), client.post(path)):
            cache = response.headers.get("Cache-Control", "")
            robots = response.headers.get("X-Robots-Tag", "")
            if "no-store" not in cache or "noindex" not in robots:
                public.append((response.request["REQUEST_METHOD"], path, response.status_code))
    assert public == []
