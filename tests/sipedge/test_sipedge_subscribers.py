"""Kamailio's database: schema from Debian's scripts and the subscriber sync."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from appliance.config import Settings
from appliance.sipedge import subscribers
from appliance.sipedge.exceptions import SipEdgeError
from appliance.sipedge.render import database_path
from appliance.sipedge.subscribers import INSTALL_HINT, SyncResult


def _query(settings: Settings, sql: str) -> list[tuple]:
    """Return the rows of one query on Kamailio's database."""
    with closing(sqlite3.connect(database_path(settings))) as conn:
        return conn.execute(sql).fetchall()


def _md5(text: str) -> str:
    """Return the hex MD5 of text."""
    return hashlib.md5(text.encode()).hexdigest()


def test_schema_has_the_versions_the_modules_check(settings: Settings) -> None:
    """Check tables and version rows, created once and left alone the second time."""
    subscribers.ensure_schema(settings)
    subscribers.sync(settings, [("1001", "pw")])
    subscribers.ensure_schema(settings)
    versions = dict(_query(settings, "SELECT table_name, table_version FROM version"))
    assert versions == {"version": 1, "subscriber": 7, "location": 9, "location_attrs": 1}
    assert _query(settings, "SELECT username FROM subscriber") == [("1001",)]
    assert _query(settings, "PRAGMA journal_mode") == [("wal",)]
    assert stat.S_IMODE(database_path(settings).stat().st_mode) == 0o600


def test_older_table_version_is_recreated(settings: Settings) -> None:
    """Check that a table at an older version is dropped and created anew."""
    subscribers.ensure_schema(settings)
    subscribers.sync(settings, [("1001", "pw")])
    with closing(sqlite3.connect(database_path(settings))) as conn, conn:
        conn.execute("UPDATE version SET table_version=6 WHERE table_name='subscriber'")
    subscribers.ensure_schema(settings)
    assert _query(settings, "SELECT table_version FROM version WHERE table_name='subscriber'") == [
        (7,)
    ]
    assert _query(settings, "SELECT count(*) FROM subscriber") == [(0,)]


def test_sync_inserts_updates_and_deletes(settings: Settings) -> None:
    """Check that the table ends up exactly as the agents given, stored as HA1 hashes only."""
    subscribers.ensure_schema(settings)
    first = subscribers.sync(settings, [("1001", "a"), ("1002", "b"), ("1003", "c")])
    second = subscribers.sync(settings, [("1001", "a"), ("1002", "b2"), ("1004", "d")])
    assert first == SyncResult(added=3, updated=0, removed=0)
    assert second == SyncResult(added=1, updated=1, removed=1)
    rows = _query(settings, "SELECT username, domain, password, ha1, ha1b FROM subscriber")
    realm = settings.sip.domain
    assert sorted(rows) == [
        ("1001", realm, "", _md5(f"1001:{realm}:a"), _md5(f"1001@{realm}:{realm}:a")),
        ("1002", realm, "", _md5(f"1002:{realm}:b2"), _md5(f"1002@{realm}:{realm}:b2")),
        ("1004", realm, "", _md5(f"1004:{realm}:d"), _md5(f"1004@{realm}:{realm}:d")),
    ]


def test_sync_skips_agents_without_password_and_drops_other_domains(settings: Settings) -> None:
    """Check that a blank password is not provisioned and rows of an old realm go."""
    subscribers.ensure_schema(settings)
    with closing(sqlite3.connect(database_path(settings))) as conn, conn:
        conn.execute("INSERT INTO subscriber (username, domain, ha1) VALUES ('1001', 'old', 'x')")
    result = subscribers.sync(settings, [("1001", "a"), ("1002", "")])
    assert result == SyncResult(added=1, updated=0, removed=1)
    assert _query(settings, "SELECT username, domain FROM subscriber") == [
        ("1001", settings.sip.domain)
    ]


def test_sync_from_store_reads_agents(settings: Settings) -> None:
    """Check that the store's agents become subscribers."""
    from appliance.store.manager import open_store
    from appliance.store.models import Agent

    database = open_store(settings)
    try:
        Agent.create(extension="2001", name="Ann", sip_password="pw-ann")
        Agent.create(extension="2002", name="Bob", sip_password="pw-bob")
        subscribers.ensure_schema(settings)
        assert subscribers.sync_from_store(settings) == SyncResult(added=2, updated=0, removed=0)
    finally:
        database.close()
    assert _query(settings, "SELECT username FROM subscriber ORDER BY username") == [
        ("2001",),
        ("2002",),
    ]


def test_missing_sql_scripts_give_the_install_hint(settings: Settings, tmp_path: Path) -> None:
    """Check the one-line hint when kamailio-sqlite-modules' scripts are absent."""
    with pytest.raises(SipEdgeError) as caught:
        subscribers.ensure_schema(settings, sql_dir=tmp_path / "nowhere")
    assert str(caught.value) == INSTALL_HINT
