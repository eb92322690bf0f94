"""Business hours in the store: migration 8, what the engine reads, refusals, the demo's office."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from peewee import Database
from store_support import database_at, later_than

from appliance.callflow.hours import is_open, next_change
from appliance.config import Settings
from appliance.demo import load_demo
from appliance.engine.directory import load_directory
from appliance.store import migrations
from appliance.store.manager import open_store
from appliance.store.models import BusinessHours

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_version_7_database_gains_a_table_matching_the_model(settings: Settings) -> None:
    """Migration 8 creates business_hours with the model's columns, types and defaults."""
    database = database_at(settings, 7)
    applied = migrations.migrate(database, Path(settings.paths.backups))
    assert [m.version for m in applied] == later_than(7)
    columns = {row[1]: row for row in database.execute_sql('PRAGMA table_info("business_hours")')}
    fields = BusinessHours._meta.sorted_fields
    assert set(columns) == {f.column_name for f in fields}
    declared = {"AUTO": "INTEGER", "VARCHAR": "VARCHAR(255)", "TEXT": "TEXT"}  # peewee's DDL
    for f in fields:
        assert columns[f.column_name][2] == declared[f.field_type], f.name
        assert columns[f.column_name][3] == (0 if f.null else 1), f.name  # NOT NULL as modelled
    unique = [i for i in database.execute_sql('PRAGMA index_list("business_hours")') if i[2]]
    assert [i[1] for i in unique] == ["business_hours_name"]
    BusinessHours.create(name="bare", timezone="UTC")
    bare = BusinessHours.get(BusinessHours.name == "bare")
    assert (bare.weekly, bare.holidays, bare.workdays) == ({}, [], [])
    database.close()


def test_the_engine_reads_schedules_into_the_directory(store: Database) -> None:
    BusinessHours.create(
        name="support",
        timezone="Asia/Shanghai",
        weekly={"mon": ["09:00-12:00", "13:30-18:00"]},
        holidays=[{"date": "2026-10-05", "name": "National Day"}],
        workdays=[{"date": "2026-10-10", "like": "mon"}],
    )
    schedule = load_directory().schedules["support"]
    assert schedule.timezone == "Asia/Shanghai"
    assert is_open(schedule, datetime(2026, 10, 12, 13, 30, tzinfo=SHANGHAI))
    assert not is_open(schedule, datetime(2026, 10, 5, 10, 0, tzinfo=SHANGHAI))
    assert is_open(schedule, datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI))  # a Saturday


def test_a_malformed_schedule_is_refused_naming_it(store: Database) -> None:
    """Like other configuration errors at reload: a KeyError, nothing half-loaded."""
    BusinessHours.create(name="good", timezone="UTC", weekly={"mon": ["09:00-17:00"]})
    BusinessHours.create(name="support", timezone="UTC", weekly={"mon": ["25:00-26:00"]})
    with pytest.raises(KeyError) as caught:
        load_directory()
    assert caught.value.args[0] == (
        "business hours: schedule 'support': range '25:00-26:00' on mon is not HH:MM-HH:MM"
    )
    BusinessHours.update(timezone="Mars/Olympus").where(BusinessHours.name == "good").execute()
    with pytest.raises(KeyError, match="schedule 'good': timezone 'Mars/Olympus' is not an IANA"):
        load_directory()


def test_the_demo_office_keeps_national_day_and_its_workdays(settings: Settings) -> None:
    database = open_store(settings)
    try:
        load_demo(settings)
        office = load_directory().schedules["office"]
    finally:
        database.close()
    assert not is_open(office, datetime(2026, 10, 2, 10, 0, tzinfo=SHANGHAI))
    assert is_open(office, datetime(2026, 9, 27, 10, 0, tzinfo=SHANGHAI))  # worked Sunday
    reopens = next_change(office, datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI))
    assert reopens == datetime(2026, 10, 9, 9, 0, tzinfo=SHANGHAI)
