"""Helpers of the store tests: a database as an older box left it."""

from __future__ import annotations

from pathlib import Path

from peewee import Database

from appliance.config import Settings
from appliance.store import migrations
from appliance.store.database import connect


def database_at(settings: Settings, version: int) -> Database:
    """Return the settings' database migrated up to version only (an older box's)."""
    database = connect(Path(settings.paths.database))
    migrations.current_version(database)  # creates the version table
    for migration in migrations.available():
        if migration.version <= version:
            migrations._apply(database, migration)
    return database


def later_than(version: int) -> list[int]:
    """Return the versions a database at version still has to go through."""
    return [m.version for m in migrations.available() if m.version > version]
