"""Fixtures of the voicemail tests: a real store on a fresh folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database

from appliance.config import Settings, load
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
