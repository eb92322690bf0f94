"""Reading registrations from the location table without Kamailio running."""

from __future__ import annotations

import calendar
import sqlite3
import time
from contextlib import closing

import pytest

from appliance.config import Settings
from appliance.sipedge import subscribers
from appliance.sipedge.registrations import Registration, registered
from appliance.sipedge.render import database_path

NOW = 1_800_000_000.0


def _julian(unix: float) -> float:
    """Return unix time as db_sqlite stores it: a Julian day number."""
    return unix / 86400.0 + 2440587.5


def _add(settings: Settings, ruid: str, user: str, contact: str, expires: float | str,
         received: str | None = None) -> None:  # fmt: skip
    """Insert one location row the way usrloc writes it."""
    with closing(sqlite3.connect(database_path(settings))) as conn, conn:
        conn.execute(
            "INSERT INTO location (ruid, username, contact, expires, user_agent, received) "
            "VALUES (?, ?, ?, ?, 'phone/1.0', ?)",
            (ruid, user, contact, expires, received),
        )


@pytest.fixture
def schema(settings: Settings) -> Settings:
    """Return settings whose Kamailio database has its tables."""
    subscribers.ensure_schema(settings)
    return settings


def test_live_rows_are_returned_and_expired_skipped(schema: Settings) -> None:
    """Check expiry filtering, the freshest of several contacts, NAT received and permanence."""
    _add(schema, "a", "1001", "sip:1001@10.0.0.5:5060", _julian(NOW + 600))
    _add(schema, "b", "1001", "sip:1001@10.0.0.6:5060", _julian(NOW + 900), "sip:1.2.3.4:7000")
    _add(schema, "c", "1002", "sip:1002@10.0.0.7:5060", _julian(NOW - 1))
    _add(schema, "d", "1003", "sip:1003@10.0.0.8:5060", _julian(0))
    _add(schema, "e", "1004", "sip:1004@10.0.0.9:5060", "2030-05-28 21:32:15")
    found = registered(schema, now=NOW)
    assert sorted(found) == ["1001", "1003", "1004"]
    assert found["1001"] == Registration(
        extension="1001",
        contact="sip:1001@10.0.0.6:5060",
        expires=NOW + 900,
        user_agent="phone/1.0",
        received="sip:1.2.3.4:7000",
    )
    assert found["1003"].expires == 0
    assert found["1004"].expires == calendar.timegm((2030, 5, 28, 21, 32, 15))  # text form, UTC


def test_missing_database_gives_empty(settings: Settings) -> None:
    """Check that no database means no registrations, not an error, and nothing is created."""
    assert registered(settings) == {}
    assert not database_path(settings).exists()


def test_unreadable_database_gives_empty(settings: Settings) -> None:
    """Check that a file that is not SQLite gives {}."""
    path = database_path(settings)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 100)
    assert registered(settings) == {}


def test_locked_database_gives_empty_quickly(schema: Settings) -> None:
    """Check that a database locked by a writer gives {} within the short busy wait."""
    with closing(sqlite3.connect(database_path(schema), isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        assert registered(schema) == {}
        assert time.monotonic() - started < 1.0
        conn.execute("ROLLBACK")
