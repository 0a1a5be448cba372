"""Who sees what: every study-scoped page, export and API route, tried by the wrong people."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, reverse

from securebase.studies import services, urls
from securebase.studies.models import Role, Study
from securebase.studies.tests.test_studies import answer_all, join, make_study

pytestmark = pytest.mark.django_db

#: Public participant pages (they take a study's public address, not a researcher's session).
PARTICIPANT_ROUTES = {"join", "done"}
OWNER_ONLY = {"edit", "members", "invitations", "tokens"}


def researcher_routes() -> list[URLPattern]:
    return [
        pattern
        for pattern in urls.urlpatterns
        if isinstance(pattern, URLPattern)
        and "slug" in pattern.pattern.converters
        and pattern.name not in PARTICIPANT_ROUTES
    ]


def url_of(pattern: URLPattern, study: Study) -> str:
    kwargs: dict[str, Any] = {"slug": study.slug}
    if "kind" in pattern.pattern.converters:
        kwargs["kind"] = "csv"
    return reverse(f"studies:{pattern.name}", kwargs=kwargs)


@pytest.fixture
def victim(client: Client) -> Study:
    study = make_study()
    answer_all(client, join(Client(), study), "secure")
    return study


def test_every_study_route_is_covered() -> None:
    names = {pattern.name for pattern in researcher_routes()}
    assert names == {"dashboard", "edit", "members", "invitations", "tokens", "exports", "export"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_researcher_gets_nothing(victim: Study, method: str) -> None:
    stranger = get_user_model().objects.create_user("stranger", password="pw-stranger-1")
    make_study(owner=stranger, slug="strangers-own")
    client = Client()
    client.force_login(stranger)
    for pattern in researcher_routes():
        kinds = ["csv", "zip", "sav", "dta", "datapackage"] if pattern.name == "export" else [None]
        for kind in kinds:
            url = url_of(pattern, victim)
            if kind:
                url = reverse("studies:export", kwargs={"slug": victim.slug, "kind": kind})
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (url, response.status_code)
            assert b"Couples study" not in response.content
    assert victim.exports.count() == 0
    assert victim.memberships.count() == 1
    assert victim.tokens.count() == 0 and victim.invitations.count() == 0


def test_signed_out_visitors_are_asked_to_sign_in(victim: Study) -> None:
    client = Client()
    for pattern in researcher_routes():
        response = client.get(url_of(pattern, victim))
        assert response.status_code == 302, pattern.name
        assert response["Location"].startswith("/studies/login/")


def test_viewers_see_but_cannot_change(victim: Study) -> None:
    viewer = get_user_model().objects.create_user("viewer", password="pw-viewer-123")
    services.add_member(victim, viewer, Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    for pattern in researcher_routes():
        response = client.get(url_of(pattern, victim))
        expected = 403 if pattern.name in OWNER_ONLY else 200
        assert response.status_code == expected, (pattern.name, response.status_code)


def test_a_token_opens_only_its_own_study(victim: Study) -> None:
    other = make_study(owner=victim.memberships.get().user, slug="second-study")
    secret = services.new_access_token(other, victim.memberships.get().user)
    client = Client()
    for slug in (victim.slug, "no-such-study"):
        response = client.get(
            f"/api/v1/studies/{slug}/export", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        assert response.status_code == 404
    assert victim.exports.count() == 0


def test_a_participant_page_of_another_study_is_not_found(victim: Study) -> None:
    token = victim.participants.get().session.token
    other = make_study(owner=victim.memberships.get().user, slug="third-study")
    response = Client().get(reverse("studies:done", args=[other.slug, token]))
    assert response.status_code == 404


def test_the_study_list_shows_only_your_studies(victim: Study) -> None:
    stranger = get_user_model().objects.create_user("stranger2", password="pw-stranger-2")
    client = Client()
    client.force_login(stranger)
    page = client.get(reverse("studies:list"))
    assert page.status_code == 200 and b"Couples study" not in page.content
