"""Sweep every URL of the site for the security headers and the strict-CSP page rules.

The URL list comes from the root resolver at collection time, so a page added by any app
is swept without anyone editing this file. Path parameters get real values (a real quiz
session, a real article slug); a parameter nobody taught this file to fill fails loudly
instead of being skipped. Requests are made as HTTPS with the production cookie and HSTS
settings switched on (only the redirect to HTTPS is off, because the test client speaks
to the app directly).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

ADMIN_PREFIX = "operators/"
# The admin's own pages need a staff login; its public entry points are swept here.
ADMIN_ENTRY_POINTS = ("operators/", "operators/login/")
PRIVATE_PREFIXES = ("/results/", "/quiz/s/", "/api/v1/sessions")
REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin"}
ALLOWED_CSP_SOURCES = {"'self'", "'none'", "data:"}
# Elements whose URL attributes load a resource into the page (links to read elsewhere
# are fine; loading scripts, styles, fonts or images from elsewhere is not).
RESOURCE_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "input": ("src",),
}
LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
PARAMETER_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "results/<str:token>/report.pdf"
    name: str

    @property
    def parameters(self) -> list[str]:
        return [match.group("name") for match in PARAMETER_RE.finditer(self.route)]


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern.pattern, RoutePattern):
            part = str(pattern.pattern)
        elif isinstance(pattern.pattern, RegexPattern):
            part = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\", "")
        else:  # pragma: no cover - LocalePrefixPattern is not used on this site
            raise AssertionError(f"unsupported URL pattern {pattern.pattern!r}")
        route = prefix + part
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield Route(route, f"{namespace}{pattern.name or pattern.lookup_str}")


def site_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _routes(get_resolver().url_patterns):
        if route.route.startswith(ADMIN_PREFIX) and route.route not in ADMIN_ENTRY_POINTS:
            continue
        if any(char in route.route for char in "()[]?*+|"):
            raise AssertionError(f"regex URL {route.route!r}: add a sample path for it here")
        seen.setdefault(route.route, route)
    return sorted(seen.values(), key=lambda r: r.route)


ROUTES = site_routes()


class RealValues:
    """Real values for path parameters, created on first use (one quiz per test at most)."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def _once(self, key: str, make: Callable[[], str]) -> str:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def finished_token(self) -> str:
        return self._once("finished", lambda: _quiz_token(finish=True))

    def open_token(self) -> str:
        return self._once("open", lambda: _quiz_token(finish=False))

    def article_slug(self) -> str:
        from securebase.content.library import get_library

        return get_library().articles[0].slug

    def style(self) -> str:
        from securebase.psychometrics import STYLES

        return STYLES[1]

    def newsletter_token(self, kind: str) -> str:
        from securebase.newsletter import services, tokens
        from securebase.newsletter.models import Subscriber

        address = "sweep.reader@example.org"
        services.request_subscription(address)
        subscriber = Subscriber.objects.get(email=address)
        if kind == "confirm":
            return tokens.make_confirm_token(subscriber.pk, subscriber.confirm_nonce)
        return tokens.make_unsubscribe_token(subscriber.unsubscribe_key)

    def study_slug(self) -> str:
        return self._once("study", _study_slug)

    def participant_token(self) -> str:
        return self._once("participant", lambda: _participant_token(self.study_slug()))

    def fill(self, route: Route) -> str:
        path = route.route
        for match in PARAMETER_RE.finditer(route.route):
            value = self.value_for(route.route, match.group("name"))
            if value is None:
                pytest.fail(
                    f"tests/test_security_headers.py cannot fill <{match.group('name')}> in "
                    f"/{route.route} ({route.name}): teach RealValues.value_for a real value"
                )
            path = path.replace(match.group(0), value, 1)
        return "/" + path

    def value_for(self, route: str, name: str) -> str | None:
        if name == "slug" and route.startswith(("s/", "studies/", "api/v1/studies/")):
            return self.study_slug()
        if name == "token" and route.startswith("s/"):
            return self.participant_token()
        if name == "kind" and route.startswith("studies/"):
            return "csv"
        if name == "token" and route.startswith("results/"):
            return self.finished_token()
        if name == "token" and route.startswith(("quiz/", "api/")):
            return self.open_token()
        if name in {"style", "name"} and route.startswith("styles/"):
            return self.style()
        if name == "slug" and route.startswith("articles/"):
            return self.article_slug()
        for kind in ("confirm", "unsubscribe"):
            if name == "token" and route.startswith(f"newsletter/{kind}/"):
                return self.newsletter_token(kind)
        if name == "position" and route.startswith("quiz/"):
            return "1"
        if name == "slug" and route.startswith("share/"):
            from securebase.psychometrics.styles import STYLE_SLUGS

            return STYLE_SLUGS[self.style()]
        if name == "name" and route.startswith("method/figures/"):
            return self.method_figure()
        return None

    def method_figure(self) -> str:
        from securebase.method.services import MANUAL_DIR

        figures = sorted((MANUAL_DIR / "figures").glob("*.svg"))
        return figures[0].stem if figures else "no-such-figure"  # then its 404 is swept


def _study_slug() -> str:
    """A real study (its researcher pages answer a visitor with the sign-in redirect)."""
    from django.contrib.auth import get_user_model

    from securebase.studies import services
    from securebase.studies.models import Study

    owner = get_user_model().objects.create_user("sweep-owner", password="sweep-pass-123")
    study = services.create_study(owner, Study(slug="sweep", title="Sweep"), "Consent text.")
    return study.slug


def _participant_token(slug: str) -> str:
    """A finished participant of that study, through the study and quiz services."""
    from securebase.quiz import services as quiz
    from securebase.studies import services
    from securebase.studies.models import Study

    study = Study.objects.get(slug=slug)
    participant = services.join(
        study, services.arrival(study, {}), consent=services.current_consent(study), form="full"
    )
    token = participant.session.token
    for _ in range(36):
        step = quiz.current_step(quiz.get_session(token))
        if step.done:
            break
        quiz.submit_answer(token, step.item.number, 3)
    return token


def _quiz_token(*, finish: bool) -> str:
    """A real adaptive session through the quiz service layer, answered to the end if asked."""
    from securebase.quiz import services

    session = services.start_session("adaptive", False)
    if finish:
        pattern = [4, 2, 5, 3, 1, 4, 2]
        for turn in range(60):
            step = services.current_step(services.get_session(session.token))
            if step.done:
                break
            services.submit_answer(session.token, step.item.number, pattern[turn % len(pattern)])
        else:
            raise AssertionError("the adaptive quiz did not finish within 60 answers")
    return session.token


@pytest.fixture
def production_like(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.DEBUG = False


class PageAudit(HTMLParser):
    """Collects what a strict CSP would block, or what loads from another host."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_inline_script = False
        self._forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:120]}>"
        if "style" in values:
            self.problems.append(f"style= attribute: {where}")
        handlers = [key for key in values if key.startswith("on")]
        if handlers:
            self.problems.append(f"inline event handler {handlers}: {where}")
        for key, value in values.items():
            if value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {key}: {where}")
        if tag == "style":
            self.problems.append("inline <style> element")
        is_data = values.get("type", "").lower() in DATA_SCRIPT_TYPES
        if tag == "script" and not values.get("src") and not is_data:
            self.problems.append(f"inline <script> without src: {where}")
        for attribute in RESOURCE_ATTRIBUTES.get(tag, ()):
            self._check_same_origin(values.get(attribute, ""), where)
        if tag == "link" and LOADING_LINK_RELS & set(values.get("rel", "").lower().split()):
            self._check_same_origin(values.get("href", ""), where)
        if tag == "form":
            self._forms.append({"method": values.get("method", "get").lower(), "csrf": False})
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken" and self._forms:
            self._forms[-1]["csrf"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._forms:
            form = self._forms.pop()
            if form["method"] == "post" and not form["csrf"]:
                self.problems.append("POST form without csrfmiddlewaretoken")

    def _check_same_origin(self, url: str, where: str) -> None:
        for candidate in url.split(","):
            candidate = candidate.strip().split(" ")[0].lower()
            if candidate.startswith(("http://", "https://", "//")):
                self.problems.append(f"loads from another host: {where}")


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response: Any, path: str) -> None:
    csp_header = response.headers.get("Content-Security-Policy", "")
    assert csp_header, f"{path}: no Content-Security-Policy"
    csp = parse_csp(csp_header)
    assert csp.get("default-src") == ["'self'"], f"{path}: {csp_header}"
    assert csp.get("object-src") == ["'none'"], f"{path}: {csp_header}"
    assert csp.get("frame-ancestors") == ["'none'"], f"{path}: {csp_header}"
    for directive, sources in csp.items():
        for source in sources:
            assert source in ALLOWED_CSP_SOURCES, f"{path}: {directive} allows {source}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") in REFERRER_POLICIES, path
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000, path
    assert response.headers.get("X-Frame-Options") == "DENY", path
    if path.startswith(PRIVATE_PREFIXES):
        assert "no-store" in response.headers.get("Cache-Control", ""), (
            f"{path}: private response without Cache-Control: no-store"
        )


def assert_cookies_safe(response: Any, path: str) -> None:
    for name, morsel in response.cookies.items():
        if morsel["max-age"] == 0:
            continue  # a deletion carries no value
        assert morsel["httponly"], f"{path}: cookie {name} is not HttpOnly"
        assert morsel["samesite"] in {"Lax", "Strict"}, f"{path}: cookie {name} SameSite"
        assert morsel["secure"], f"{path}: cookie {name} is not Secure"
        assert name.startswith("__Host-"), f"{path}: cookie {name} lacks the __Host- prefix"
        assert morsel["path"] == "/" and not morsel["domain"], f"{path}: cookie {name} scope"


def assert_strict_html(response: Any, path: str) -> None:
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return
    body = response.content.decode()
    audit = PageAudit()
    audit.feed(body)
    audit.close()
    assert not audit.problems, f"{path}:\n" + "\n".join(audit.problems)
    assert "Traceback" not in body, f"{path}: traceback in page"


def sweep(client: Client, path: str) -> Any:
    response = client.get(path, secure=True)
    assert response.status_code < 500, f"{path}: HTTP {response.status_code}"
    assert_security_headers(response, path)
    assert_cookies_safe(response, path)
    assert_strict_html(response, path)
    return response


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[f"/{r.route}" for r in ROUTES])
def test_url_sends_security_headers(client: Client, production_like: None, route: Route) -> None:
    path = RealValues().fill(route)
    sweep(client, path)


@pytest.mark.django_db
def test_not_found_page_sends_security_headers(client: Client, production_like: None) -> None:
    response = sweep(client, "/no-such-page-anywhere/")
    assert response.status_code == 404


def test_sweep_covers_the_site() -> None:
    """The enumeration itself works: the core pages and every app's mount point appear."""
    routes = {route.route for route in ROUTES}
    assert {"", "help/", "privacy/", "about/", "healthz", "robots.txt"} <= routes
    assert "operators/login/" in routes


@pytest.mark.django_db
def test_forms_set_only_safe_cookies(client: Client, production_like: None) -> None:
    """Pages with a form hand out the CSRF cookie: HttpOnly, SameSite, Secure, __Host-."""
    seen: set[str] = set()
    for route in ROUTES:
        if route.parameters:
            continue
        response = client.get("/" + route.route, secure=True)
        assert_cookies_safe(response, "/" + route.route)
        seen.update(response.cookies)
    assert "__Host-csrftoken" in seen


EXTERNAL_CSS_RE = re.compile(r"""(url\(\s*['"]?|@import\s+['"])\s*(https?:)?//""", re.IGNORECASE)


def test_stylesheets_load_nothing_from_elsewhere() -> None:
    """Fonts and images referenced from CSS come from this site too (CSP would block them)."""
    from django.contrib.staticfiles import finders

    checked = 0
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if path.endswith(".css"):
                with storage.open(path) as handle:
                    text = handle.read().decode("utf-8", errors="replace")
                assert not EXTERNAL_CSS_RE.search(text), f"{path} loads from another host"
                checked += 1
    assert checked


@pytest.mark.django_db
def test_form_posts_set_only_safe_cookies(
    client: Client, production_like: None, mailoutbox: list[Any]
) -> None:
    """The cookies a visitor gets by using the site (session, messages) follow the rules too."""
    seen: set[str] = set()

    def post(path: str, data: dict[str, str]) -> Any:
        response = client.post(path, data, secure=True)
        assert response.status_code < 500, f"{path}: HTTP {response.status_code}"
        assert_cookies_safe(response, path)
        seen.update(name for name, morsel in response.cookies.items() if morsel["max-age"] != 0)
        return response

    started = post("/quiz/", {"form": "adaptive", "adult": "on"})
    assert started.status_code in {302, 303}, started.status_code
    token = _quiz_token(finish=True)
    post(f"/results/{token}/email/", {"email": "cookie.check@example.org"})
    post(f"/results/{token}/consent/", {})
    post("/newsletter/", {"email": "cookie.reader@example.org"})
    assert "__Host-sessionid" in seen


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/results/{t}", "/quiz/s/{t}", "/results/{t}/report.pdf/"])
def test_redirects_that_carry_a_token_are_private(
    client: Client, production_like: None, path: str
) -> None:
    """CommonMiddleware's slash redirect replaces the response: it must still be private."""
    token = RealValues().finished_token()
    response = client.get(path.format(t=token), secure=True)

    assert response.status_code in {301, 302, 404}, response.status_code
    if response.status_code != 404:
        assert token in response.headers["Location"]
    assert "no-store" in response.headers.get("Cache-Control", ""), path
    assert "noindex" in response.headers.get("X-Robots-Tag", ""), path
    assert_security_headers(response, path)


def test_static_files_carry_csp_nosniff_and_corp(client: Client, production_like: None) -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    for name in ("securebase/site.css", "securebase/illustrations/secure.svg"):
        url = staticfiles_storage.url(name)
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response, url)
        assert response.headers.get("Cross-Origin-Resource-Policy") == "same-origin", url


def test_static_files_are_not_shared_with_every_origin(client: Client) -> None:
    """Nothing on another site needs to read our files: no wildcard CORS header."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    for name in ("securebase/site.css", "securebase/illustrations/secure.svg"):
        response = client.get(staticfiles_storage.url(name))
        assert response.status_code == 200, name
        assert "Access-Control-Allow-Origin" not in response.headers, name
