"""The one table of rate limits: every limit is in it, counted the same way, and overridable."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from securebase.core import limits

pytestmark = pytest.mark.django_db


def test_each_limit_has_its_own_counter_and_setting() -> None:
    groups = [limit.group for limit in limits.LIMITS]
    names = [limit.setting for limit in limits.LIMITS]
    assert len(set(groups)) == len(groups) and len(set(names)) == len(names)
    assert all(name.startswith("SECUREBASE_") for name in names)


def test_a_limit_counts_until_reached_and_says_how_long_to_wait(settings) -> None:
    settings.SECUREBASE_NEWSLETTER_SUBSCRIBE_RATE_PER_IP = "2/h"
    request = RequestFactory().post("/newsletter/", REMOTE_ADDR="192.0.2.7")
    assert limits.NEWSLETTER_SUBSCRIBE.reached(request) is None
    assert limits.NEWSLETTER_SUBSCRIBE.reached(request) is None
    wait = limits.NEWSLETTER_SUBSCRIBE.reached(request)
    assert wait is not None and 0 <= wait <= 3600
    other = RequestFactory().post("/newsletter/", REMOTE_ADDR="192.0.2.8")
    assert limits.NEWSLETTER_SUBSCRIBE.reached(other) is None


def test_no_view_counts_a_limit_outside_the_table() -> None:
    """Every django-ratelimit call of the product code goes through core.limits."""
    from pathlib import Path

    root = Path(limits.__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "/tests/" not in str(path)
        and path.name not in {"limits.py", "ratelimit.py"}
        and ("django_ratelimit" in path.read_text() or "_RATE_PER_" in path.read_text())
    ]
    assert offenders == []
