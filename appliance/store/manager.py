"""Open the store for a process: bind, check, migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from appliance.config import Settings
from appliance.store import migrations
from appliance.store.database import connect
from appliance.store.exceptions import DatabaseUnreadable


def open_store(settings: Settings, migrate: bool = True) -> SqliteDatabase:
    """Bind the models to the configured database, migrating it (with a copy first)."""
    path = Path(settings.paths.database)
    if path.exists():
        _check_readable(path)
    database = connect(path)
    if migrate:
        migrations.migrate(database, Path(settings.paths.backups))
    else:
        migrations.pending(database)  # still refuses a database newer than the code
    return database


def _check_readable(path: Path) -> None:
    """Raise DatabaseUnreadable unless path is a sound SQLite database (read-only look)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnreadable(str(path), exc) from exc
    if result != "ok":
        raise DatabaseUnreadable(str(path), RuntimeError(result))
