"""Prepare a box to run: folders, database migrations, prompts and (optionally) demo data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peewee import Database

from appliance import demo as demo_data
from appliance.config import Settings
from appliance.prompts import generate_missing
from appliance.store import migrations
from appliance.store.manager import open_store
from appliance.store.migrations import Migration


@dataclass
class InitReport:
    """What `initialize` did, for the command line to print."""

    folders: list[Path] = field(default_factory=list)
    applied: list[Migration] = field(default_factory=list)
    prompts: list[Path] = field(default_factory=list)
    demo_requested: bool = False
    demo_loaded: bool = False
    demo_json: Path | None = None


def create_folders(settings: Settings) -> list[Path]:
    """Create the state folders that do not exist yet and return them."""
    created = []
    for folder in settings.paths.folders():
        if not folder.is_dir():
            folder.mkdir(parents=True, mode=0o750)
            created.append(folder)
    return created


def migrate_store(settings: Settings) -> tuple[Database, list[Migration]]:
    """Open the store, apply pending migrations and return the database and those applied."""
    database = open_store(settings, migrate=False)  # refuses unreadable or newer databases
    return database, migrations.migrate(database, Path(settings.paths.backups))


def initialize(settings: Settings, demo: bool = False, force: bool = False) -> InitReport:
    """Create folders, migrate, generate missing prompts and load the demo if asked."""
    report = InitReport(demo_requested=demo, folders=create_folders(settings))
    database, report.applied = migrate_store(settings)
    try:
        report.prompts = generate_missing(settings.paths.prompts)
        if demo:
            report.demo_json = demo_data.load_demo(settings, force=force)
            report.demo_loaded = report.demo_json is not None
            report.demo_json = report.demo_json or _existing(demo_data.demo_json_path(settings))
    finally:
        database.close()
    return report


def ensure_ready(settings: Settings, demo: bool) -> InitReport:
    """Initialize a box for `callbox run`: the demo only goes into a brand-new database."""
    fresh = not Path(settings.paths.database).exists()
    return initialize(settings, demo=demo and fresh)


def _existing(path: Path) -> Path | None:
    """Return path if the file exists."""
    return path if path.exists() else None
