"""The SQLite database holds answers and addresses: its files are for their owner only.

New files are created with mode 0600 by the settings, but an existing file keeps the
mode it has: one made with ``touch``, copied from a backup or restored by a tool that
uses the default umask is world-readable (0644) on most systems. So the mode of the
database and of its ``-wal`` and ``-shm`` files (the write-ahead log holds recent
answers too) is checked at start-up and on every new connection, and corrected. Where it
cannot be corrected (another owner, a file system without Unix modes), the process
refuses to start with a message that says what to do, and ``check --deploy`` reports it.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

PRIVATE_MODE = 0o600
SUFFIXES = ("", "-wal", "-shm", "-journal")


def sqlite_files(database: str | os.PathLike[str]) -> list[Path]:
    """The database file and whichever of its companion files exist now."""
    path = Path(database)
    candidates = [path.with_name(path.name + suffix) for suffix in SUFFIXES]
    return [candidate for candidate in candidates if candidate.is_file()]


def readable_by_others(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def make_private(database: str | os.PathLike[str]) -> list[Path]:
    """Set mode 0600 on the database's files where group or others may read them.

    Returns the files it changed; raises ``ImproperlyConfigured`` if a file stays open
    to others (chmod refused, or the file system ignores it).
    """
    changed = []
    for path in sqlite_files(database):
        if not readable_by_others(path):
            continue
        try:
            path.chmod(PRIVATE_MODE)
        except OSError as exc:
            raise ImproperlyConfigured(_refusal(path)) from exc
        if readable_by_others(path):
            raise ImproperlyConfigured(_refusal(path))
        changed.append(path)
    return changed


def _refusal(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    return (
        f"The database file {path} can be read by other users (mode {mode:04o}) and this "
        f"process cannot change that. Run `chmod 600 {path}` as its owner (or move it to "
        "a file system with Unix permissions), then start again."
    )


def is_sqlite(settings_dict: Mapping[str, Any]) -> bool:
    return str(settings_dict.get("ENGINE", "")).endswith("sqlite3")


def database_name(settings_dict: Mapping[str, Any]) -> str | None:
    """The file of an SQLite database, or ``None`` for one in memory."""
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return name


# Files whose mode this process corrected, for the deploy check to report.
corrected: list[Path] = []


def enforce(settings_dict: Mapping[str, Any]) -> None:
    """Make an SQLite database's files private (no-op for other databases)."""
    name = database_name(settings_dict) if is_sqlite(settings_dict) else None
    if name is None:
        return
    for path in make_private(name):
        if path not in corrected:
            corrected.append(path)
            logger.warning("%s was readable by other users; its mode is now 0600", path)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` handler: SQLite has just opened (or made) the -wal/-shm files."""
    if connection.vendor == "sqlite":
        enforce(connection.settings_dict)


def check_private_files(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Deploy check: every SQLite file private; say which ones had to be corrected."""
    messages: list[checks.CheckMessage] = []
    for alias, settings_dict in settings.DATABASES.items():
        name = database_name(settings_dict) if is_sqlite(settings_dict) else None
        for path in sqlite_files(name) if name else []:
            if readable_by_others(path):
                messages.append(
                    checks.Error(_refusal(path), id="securebase.E001", obj=f"database {alias}")
                )
    for path in corrected:
        messages.append(
            checks.Warning(
                f"{path} was readable by other users; this process set its mode to 0600.",
                hint=(
                    "Find out how it got that mode (a copy, a restore, touch) and protect "
                    "every other copy of it, backups included "
                    "(docs/reference/operations.md, Backups)."
                ),
                id="securebase.W001",
            )
        )
    return messages
