import pytest
from django.core.cache import cache

from securebase.reports.tests.factories import finished_session


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Rate-limit counters live in the (database) cache; every database test starts at zero."""
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session(db):
    return finished_session("anxious")
