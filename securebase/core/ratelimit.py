"""Rate-limit counters that hold under concurrency: one atomic SQL statement per change.

django-ratelimit counts with ``cache.add`` then ``cache.incr``. Django's
``DatabaseCache.incr`` is a read followed by a write, so simultaneous requests read the
same count and more of them get through than the limit allows; ``RedisCache.incr`` is an
``EXISTS`` then an ``INCR`` and can recreate a key that expired in between without a
time limit. This backend keeps each counter as one row and changes it only with single
statements that the database makes atomic: ``INSERT ... ON CONFLICT DO UPDATE`` and
``UPDATE ... RETURNING``, which SQLite (3.35+) and PostgreSQL both run under a row or
database write lock. Counters therefore live in the database whether or not Redis is
configured: the database is already shared by every app process and host.

It subclasses ``BaseDatabaseCache`` only so that ``manage.py createcachetable`` (run by
``make setup`` and by Django's test database setup) creates its table. It stores plain
integers, never pickles, and refuses anything else.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router

# Stands in for "no expiry" (timeout=None); far enough for any counter.
FOREVER = timedelta(days=365 * 100)
# Every this many writes a process deletes counters whose window has passed, so the
# table holds about one window's worth of rows (django-ratelimit makes a key per window).
CULL_EVERY = 200

# {t} table, {k} key, {v} value, {e} expires: quoted identifiers; values are bound.
HIT = (
    "INSERT INTO {t} ({k}, {v}, {e}) VALUES (%s, '1', %s) ON CONFLICT ({k}) DO UPDATE SET "
    "{v} = CASE WHEN {t}.{e} <= %s THEN '1' ELSE CAST(CAST({t}.{v} AS INTEGER) + 1 AS TEXT) END, "
    "{e} = CASE WHEN {t}.{e} <= %s THEN excluded.{e} ELSE {t}.{e} END RETURNING {v}"
)
ADD = (
    "INSERT INTO {t} ({k}, {v}, {e}) VALUES (%s, %s, %s) ON CONFLICT ({k}) DO UPDATE SET "
    "{v} = excluded.{v}, {e} = excluded.{e} WHERE {t}.{e} <= %s"
)
SET = (
    "INSERT INTO {t} ({k}, {v}, {e}) VALUES (%s, %s, %s) ON CONFLICT ({k}) DO UPDATE SET "
    "{v} = excluded.{v}, {e} = excluded.{e}"
)
INCR = (
    "UPDATE {t} SET {v} = CAST(CAST({v} AS INTEGER) + %s AS TEXT) "
    "WHERE {k} = %s AND {e} > %s RETURNING {v}"
)
GET = "SELECT {v} FROM {t} WHERE {k} = %s AND {e} > %s"
TOUCH = "UPDATE {t} SET {e} = %s WHERE {k} = %s AND {e} > %s"
DELETE = "DELETE FROM {t} WHERE {k} = %s"
CLEAR = "DELETE FROM {t}"
PURGE = "DELETE FROM {t} WHERE {e} <= %s"


class CounterCache(BaseDatabaseCache):
    """A cache for integer counters with atomic ``add``, ``incr`` and :meth:`hit`."""

    _writes = 0
    _table: str  # set by BaseDatabaseCache.__init__, which its stub does not declare

    def _run(self, statement: str, params: list[Any], *, write: bool = True) -> tuple[Any, int]:
        """Execute one statement; returns (first row or None, rowcount)."""
        route = router.db_for_write if write else router.db_for_read
        connection = connections[route(self.cache_model_class)]
        quote = connection.ops.quote_name
        sql = statement.format(
            t=quote(self._table), k=quote("cache_key"), v=quote("value"), e=quote("expires")
        )
        params = [
            connection.ops.adapt_datetimefield_value(p) if isinstance(p, datetime) else p
            for p in params
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            returns = "RETURNING" in statement or statement.startswith("SELECT")
            return (cursor.fetchone() if returns else None), cursor.rowcount

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes % CULL_EVERY == 0:
            self.purge_expired()

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)

    def _expiry(self, timeout: Any) -> datetime:
        seconds = self.get_backend_timeout(timeout)
        return self._now() + (FOREVER if seconds is None else timedelta(seconds=seconds))

    @staticmethod
    def _as_count(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("CounterCache stores integers only")
        return value

    def hit(self, key: str, timeout: float, version: int | None = None) -> int:
        """Count one more event for ``key`` and return the count. The window starts with
        the first hit and lasts ``timeout`` seconds. One statement: never a lost update."""
        key = self.make_and_validate_key(key, version=version)
        now = self._now()
        row, _ = self._run(HIT, [key, now + timedelta(seconds=timeout), now, now])
        self._wrote()
        return int(row[0])

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Store ``value`` unless a live counter exists; exactly one of racing callers wins."""
        count = self._as_count(value)
        key = self.make_and_validate_key(key, version=version)
        _, changed = self._run(ADD, [key, str(count), self._expiry(timeout), self._now()])
        self._wrote()
        return changed == 1

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        count = self._as_count(value)
        key = self.make_and_validate_key(key, version=version)
        self._run(SET, [key, str(count), self._expiry(timeout)])
        self._wrote()

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add ``delta`` to a live counter in one statement; ``ValueError`` if there is none."""
        delta = self._as_count(delta)
        key = self.make_and_validate_key(key, version=version)
        row, _ = self._run(INCR, [delta, key, self._now()])
        if row is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(row[0])

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row, _ = self._run(GET, [key, self._now()], write=False)
        return default if row is None else int(row[0])

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        _, changed = self._run(TOUCH, [self._expiry(timeout), key, self._now()])
        return changed == 1

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self._run(DELETE, [key])[1])

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self.get(key, version=version) is not None

    def clear(self) -> None:
        self._run(CLEAR, [])

    def purge_expired(self) -> int:
        """Delete counters whose window has passed (they are ignored anyway); returns how many."""
        return int(self._run(PURGE, [self._now()])[1])


def counters() -> CounterCache:
    """The counter cache django-ratelimit uses too (``RATELIMIT_USE_CACHE``)."""
    cache = caches[settings.RATELIMIT_USE_CACHE]
    if not isinstance(cache, CounterCache):
        raise ImproperlyConfigured("RATELIMIT_USE_CACHE must name a CounterCache")
    return cache
