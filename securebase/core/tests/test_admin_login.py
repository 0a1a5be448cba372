"""The admin login is throttled per client address (django-axes), behind proxies too."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/operators/login/"
PASSWORD = "a-long-operator-passphrase-42"


@pytest.fixture
def operator(settings: Any) -> Any:
    # A fast hasher: the throttle is under test here, not the key-stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_superuser("operator", "op@example.org", PASSWORD)


def _login(client: Client, password: str, **extra: str) -> Any:
    return client.post(
        LOGIN, {"username": "operator", "password": password, "next": "/operators/"}, **extra
    )


def test_five_wrong_passwords_lock_the_address_out_even_for_the_right_one(
    client: Client, operator: Any, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200  # the form again, with an error
    assert _login(client, "wrong").status_code == 429

    assert _login(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_can_still_log_in(client: Client, operator: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", REMOTE_ADDR="198.51.100.9")

    response = _login(Client(), PASSWORD, REMOTE_ADDR="198.51.100.10")
    assert response.status_code == 302


def test_success_before_the_limit_resets_the_count(
    client: Client, operator: Any, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200


def test_behind_a_proxy_the_forwarded_client_is_locked_not_the_proxy(
    client: Client, operator: Any, settings: Any
) -> None:
    settings.SECUREBASE_TRUSTED_PROXY_HOPS = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert _login(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429

    other = _login(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert other.status_code == 302


def test_lockouts_leave_no_name_or_address_in_the_logs(
    client: Client, operator: Any, settings: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _login(client, "wrong", REMOTE_ADDR="198.51.100.77")
    assert "198.51.100.77" not in caplog.text
    assert "operator" not in caplog.text.replace("operators", "")


def test_an_over_long_user_name_is_refused_before_it_reaches_the_throttle(
    client: Client, operator: Any
) -> None:
    """Longer than any user name can be: refused by the form, so django-axes never tries to
    store it in its 255-character column (PostgreSQL answered that with a server error)."""
    from axes.models import AccessAttempt

    response = client.post(LOGIN, {"username": "a" * 300, "password": "wrong"})

    assert response.status_code == 200  # the form again
    assert not AccessAttempt.objects.exists()
    assert "_auth_user_id" not in client.session
