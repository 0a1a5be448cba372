"""Database sessions whose per-request read is one plain SQL statement.

Every page view and every answer reads the visitor's session (the quiz they are taking,
flash messages). Django's database backend builds that SELECT through the ORM each time,
which costs more than the query itself; this backend runs the same statement directly.
Everything else (writes, expiry, logout invalidating the session on the server, the
``clearsessions`` command) is Django's, unchanged. Cookie-based sessions would save the
query too, but a stolen admin cookie would then outlive its logout.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "  # noqa: S608 - quoted names, values bound
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: a new key is made on save
            return {}
        return dict(self.decode(row[0]))
