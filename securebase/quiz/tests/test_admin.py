from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from securebase.quiz import services

pytestmark = pytest.mark.django_db


def test_operators_see_counts_but_never_tokens_or_answers(client: Client) -> None:
    admin = User.objects.create_superuser("operator", "op@example.org", "a-long-password-1")
    client.force_login(admin)
    session = services.start_session("full", consent_research=True)
    services.submit_answer(session.token, 1, 4)
    listing = client.get("/operators/quiz/quizsession/")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert session.token not in html
    assert "Full 36-question test" in html
    detail = client.get(f"/operators/quiz/quizsession/{session.pk}/change/")
    assert detail.status_code == 200
    assert session.token not in detail.content.decode()
    assert "I prefer not to show" not in detail.content.decode()
    assert client.get("/operators/quiz/quizsession/add/").status_code == 403
