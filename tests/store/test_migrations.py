"""Store migrations: fresh, idempotent, copy before upgrading, refusals, rollback."""

from __future__ import annotations

import hashlib
import sqlite3
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from peewee import Database

from appliance.config import Settings
from appliance.store import migrations
from appliance.store.exceptions import DatabaseTooNew, DatabaseUnreadable, MigrationFailed
from appliance.store.manager import open_store
from appliance.store.models import ALL_MODELS, Agent

ORIGINAL_AVAILABLE = migrations.available
NEXT = migrations.latest_version() + 1  # a test migration after the real ones


@pytest.fixture
def opened() -> Iterator[list[Database]]:
    """Collect databases opened by a test and close them afterwards."""
    databases: list[Database] = []
    yield databases
    for database in databases:
        database.close()


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_names(path: Path) -> set[str]:
    """Return the tables in the SQLite file at path (read-only look)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def extra_migration(version: int, up: Callable[[Database], None]) -> migrations.Migration:
    """Return a migration object for a test-only module with the given up()."""
    module = types.ModuleType(f"m{version:04d}_test")
    module.up = up  # type: ignore[attr-defined]
    return migrations.Migration(version, "test", module)


def test_fresh_database_gets_every_table(settings: Settings, opened: list[Database]) -> None:
    """Create every model's table and record version 1 on a new file."""
    database = open_store(settings)
    opened.append(database)
    expected = {model._meta.table_name for model in ALL_MODELS} | {"schema_migrations"}
    assert expected <= table_names(Path(settings.paths.database))
    assert migrations.current_version(database) == migrations.latest_version()


def test_second_run_applies_nothing(settings: Settings, opened: list[Database]) -> None:
    """Apply nothing and take no copy when the database is current."""
    opened.append(open_store(settings))
    database = open_store(settings, migrate=False)
    opened.append(database)
    assert migrations.migrate(database, Path(settings.paths.backups)) == []
    assert not (Path(settings.paths.backups) / "pre-migrate").exists()


def test_copy_taken_before_upgrading(
    settings: Settings, opened: list[Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copy a populated database before a new migration, the copy holding the data."""
    opened.append(open_store(settings))
    Agent.create(extension="2001", name="Kept Before Upgrade", sip_password="x")
    opened[-1].close()

    def up(database: Database) -> None:
        """Apply the test migration."""
        database.execute_sql('ALTER TABLE "agent" ADD COLUMN "skill" VARCHAR(255)')

    monkeypatch.setattr(
        migrations, "available", lambda: [*ORIGINAL_AVAILABLE(), extra_migration(NEXT, up)]
    )
    database = open_store(settings, migrate=False)
    opened.append(database)
    applied = migrations.migrate(database, Path(settings.paths.backups))
    assert [m.version for m in applied] == [NEXT]
    (copy,) = (Path(settings.paths.backups) / "pre-migrate").glob("*.db")
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT name FROM agent").fetchall() == [("Kept Before Upgrade",)]
        assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (NEXT - 1,)
    finally:
        conn.close()
    assert copy.stat().st_mode & 0o777 == 0o600


def test_newer_database_is_refused_unchanged(settings: Settings, opened: list[Database]) -> None:
    """Refuse a database a newer callbox wrote, leaving its bytes as they were."""
    database = open_store(settings)
    database.execute_sql(
        'INSERT INTO "schema_migrations" VALUES (?, ?, ?)',
        (migrations.latest_version() + 5, "x", 0),
    )
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    path = Path(settings.paths.database)
    before = sha256(path)
    with pytest.raises(DatabaseTooNew, match="newer callbox"):
        open_store(settings)
    assert sha256(path) == before


def test_corrupt_file_is_refused_unchanged(settings: Settings) -> None:
    """Refuse random bytes as a database without writing to the file."""
    path = Path(settings.paths.database)
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(range(256)) * 64)
    before = sha256(path)
    with pytest.raises(DatabaseUnreadable, match="not a usable callbox database"):
        open_store(settings)
    assert sha256(path) == before
    assert not Path(f"{path}-wal").exists()


def test_failing_migration_rolls_back(
    settings: Settings, opened: list[Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undo a migration that raises halfway: no new table, version unchanged."""
    opened.append(open_store(settings))
    opened[-1].close()

    def up(database: Database) -> None:
        """Apply the test migration."""
        database.execute_sql('CREATE TABLE "half_done" ("id" INTEGER PRIMARY KEY)')
        raise RuntimeError("boom halfway")

    monkeypatch.setattr(
        migrations, "available", lambda: [*ORIGINAL_AVAILABLE(), extra_migration(NEXT, up)]
    )
    database = open_store(settings, migrate=False)
    opened.append(database)
    with pytest.raises(MigrationFailed, match="boom halfway"):
        migrations.migrate(database, Path(settings.paths.backups))
    assert migrations.current_version(database) == NEXT - 1
    assert "half_done" not in table_names(Path(settings.paths.database))


def test_a_migration_merged_below_the_newest_applied_one_is_still_applied(
    settings: Settings, opened: list[Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database that got 1..N and then N+2 (written side by side) still gets N+1."""
    opened.append(open_store(settings))
    database = open_store(settings, migrate=False)
    opened.append(database)
    ran: list[int] = []
    later = extra_migration(NEXT + 1, lambda db: ran.append(NEXT + 1))
    monkeypatch.setattr(migrations, "available", lambda: [*ORIGINAL_AVAILABLE(), later])
    assert migrations.migrate(database) == [later]
    middle = extra_migration(NEXT, lambda db: ran.append(NEXT))
    monkeypatch.setattr(migrations, "available", lambda: [*ORIGINAL_AVAILABLE(), middle, later])
    assert [m.version for m in migrations.migrate(database)] == [NEXT]
    assert ran == [NEXT + 1, NEXT]
    assert migrations.pending(database) == []


def test_every_models_columns_are_what_the_migrations_create(
    settings: Settings, opened: list[Database]
) -> None:
    """A model and its migration must agree column for column (a merge can drop a field)."""
    database = open_store(settings)
    opened.append(database)
    conn = sqlite3.connect(settings.paths.database)
    try:
        for model in ALL_MODELS:
            table = model._meta.table_name
            made = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            declared = {f.column_name for f in model._meta.sorted_fields}
            assert declared == made, (
                f"{table}: model only {declared - made}, table only {made - declared}"
            )
    finally:
        conn.close()
