"""The session backend reads like Django's database backend, with one plain statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from securebase.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_it() -> None:
    assert settings.SESSION_ENGINE == "securebase.core.sessions"


def test_a_saved_session_reads_back_in_one_query() -> None:
    store = SessionStore()
    store["quiz"] = "token-123"
    store.save()

    again = SessionStore(session_key=store.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert again["quiz"] == "token-123"
    assert len(queries.captured_queries) == 1


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key() -> None:
    store = SessionStore()
    store["quiz"] = "old"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    for key in (store.session_key, "no-such-session-key-0123456789"):
        reread = SessionStore(session_key=key)
        assert reread.get("quiz") is None
        assert reread.session_key is None


def test_logout_ends_the_session_on_the_server() -> None:
    store = SessionStore()
    store["_auth_user_id"] = "1"
    store.save()
    key = store.session_key

    store.flush()  # what logout does

    assert SessionStore(session_key=key).get("_auth_user_id") is None
    assert not Session.objects.filter(session_key=key).exists()
