"""Bind the models to the database named by the settings."""

from __future__ import annotations

from pathlib import Path

from peewee import DatabaseProxy, SqliteDatabase

# Every model binds to this proxy; `connect` points it at the real database.
db = DatabaseProxy()

# A record acknowledged is a record kept, even on power loss: WAL with FULL sync.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "busy_timeout": 10000,
    "foreign_keys": 1,
    "cache_size": -16000,
}


def open_sqlite(path: Path | str) -> SqliteDatabase:
    """Return a SQLite database at path with callbox's pragmas (folder created)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def connect(database_path: Path | str) -> SqliteDatabase:
    """Bind the models to the SQLite database at database_path and return it."""
    database = open_sqlite(database_path)
    db.initialize(database)
    return database
