"""Helpers of the tests on a real store: settings on a fresh folder, the store opened,
and a database as an older box left it.

`settings` and `store` are fixtures; a test folder's conftest imports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database

from appliance.config import Settings, load
from appliance.store import migrations
from appliance.store.database import connect
from appliance.store.manager import open_store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings whose state folder is a fresh temporary one."""
    return load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})


@pytest.fixture
def store(settings: Settings) -> Iterator[Database]:
    """Return the store opened (and migrated) as the box opens it."""
    database = open_store(settings)
    yield database
    database.close()


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
