"""Numbered schema migrations: `mNNNN_name.py` modules, each with `up(database)`.

The applied versions are rows of `schema_migrations`.  Before migrating a database
that already holds data, a consistent copy is taken with SQLite's online backup API
into `<backups>/pre-migrate/`, so a failed migration never costs a record.  A
database whose newest version is above what this code knows is refused: running
older code on it could lose data written by the newer one.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from peewee import Database

from appliance.store.exceptions import DatabaseTooNew, MigrationFailed

VERSION_TABLE = (
    'CREATE TABLE IF NOT EXISTS "schema_migrations" '
    '("version" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "applied_at" REAL)'
)


@dataclass(frozen=True)
class Migration:
    """One numbered migration."""

    version: int
    name: str
    module: ModuleType


def available() -> list[Migration]:
    """Return the migrations this code knows, in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(Migration(int(info.name[1:5]), info.name[6:], module))
    return sorted(found, key=lambda m: m.version)


def latest_version() -> int:
    """Return the newest schema version this code knows."""
    return available()[-1].version


def current_version(database: Database) -> int:
    """Return the database's newest applied version (0 when empty)."""
    database.execute_sql(VERSION_TABLE)
    row = database.execute_sql('SELECT MAX("version") FROM "schema_migrations"').fetchone()
    return int(row[0] or 0)


def applied_versions(database: Database) -> set[int]:
    """Return the versions applied to the database."""
    database.execute_sql(VERSION_TABLE)
    rows = database.execute_sql('SELECT "version" FROM "schema_migrations"').fetchall()
    return {int(row[0]) for row in rows}


def pending(database: Database) -> list[Migration]:
    """Return the migrations not yet applied, in order; refuse a database newer than this code.

    Every known version without its row is pending, not only those above the newest
    applied: migrations written side by side (say 9 and 11) may reach a database in
    either order, and each touches its own tables or columns.
    """
    current = current_version(database)
    known = available()
    if current > known[-1].version:
        raise DatabaseTooNew(current, known[-1].version)
    done = applied_versions(database)
    return [m for m in known if m.version not in done]


def migrate(database: Database, backup_dir: Path | None = None) -> list[Migration]:
    """Apply pending migrations, each in its own transaction; return those applied."""
    todo = pending(database)
    if todo and current_version(database) > 0 and backup_dir is not None:
        copy_before_migrating(database, backup_dir, current_version(database))
    for migration in todo:
        _apply(database, migration)
    return todo


def _apply(database: Database, migration: Migration) -> None:
    """Apply one migration atomically with its version row."""
    try:
        with database.atomic():
            migration.module.up(database)
            database.execute_sql(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, time.time()),
            )
    except Exception as exc:
        raise MigrationFailed(migration.version, migration.name, exc) from exc


def copy_before_migrating(database: Database, backup_dir: Path, version: int) -> Path:
    """Copy the database with the online backup API and return the copy's path."""
    target_dir = Path(backup_dir) / "pre-migrate"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"callbox-v{version:04d}-{time.strftime('%Y%m%dT%H%M%S')}.db"
    source = sqlite3.connect(database.database)
    try:
        dest = sqlite3.connect(str(target))
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    target.chmod(0o600)
    return target
