"""The event writer commits before it publishes, and loses nothing when the disk balks."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from appliance.config import load
from appliance.store.manager import open_store
from appliance.store.models import CallEvent, Cdr
from appliance.store.writer import EventWriter


def make_store(tmp_path: Path) -> Any:
    settings = load(
        config_file=tmp_path / "none.yml", env={}, overrides={"paths": {"var": str(tmp_path)}}
    )
    return settings, open_store(settings)


def test_events_are_in_the_database_before_they_are_published(tmp_path: Path) -> None:
    settings, database = make_store(tmp_path)
    seen_in_db: list[int] = []

    def on_committed(events: list[dict[str, Any]]) -> None:
        # A separate connection sees the rows: they were committed, not just written.
        with sqlite3.connect(settings.paths.database) as conn:
            seen_in_db.append(conn.execute("SELECT COUNT(*) FROM call_event").fetchone()[0])

    writer = EventWriter(database, on_committed)
    writer.start()
    for i in range(50):
        writer.event("c1", "dtmf", {"digit": str(i % 10)})
    assert writer.flush(10)
    writer.stop()
    assert seen_in_db and seen_in_db[-1] == 50


def test_a_locked_database_delays_but_loses_nothing(tmp_path: Path) -> None:
    settings, database = make_store(tmp_path)
    database.execute_sql("PRAGMA busy_timeout = 100")  # give up fast, so the retry path runs
    blocker = sqlite3.connect(
        settings.paths.database, isolation_level=None, check_same_thread=False
    )
    blocker.execute("BEGIN EXCLUSIVE")
    published: list[dict[str, Any]] = []
    writer = EventWriter(database, published.extend)
    writer.start()
    writer.event("c2", "call.started", {"from": "1", "to": "100"})
    writer.cdr({"call_id": "c2", "started_at": 1.0, "ended_at": 2.0, "outcome": "failed"})
    time.sleep(0.6)
    assert published == []  # nothing is announced while it is not durable
    threading.Timer(0.2, lambda: blocker.execute("COMMIT")).start()
    assert writer.flush(10)
    writer.stop()
    blocker.close()
    assert [e["kind"] for e in published] == ["call.started"]
    assert CallEvent.select().count() == 1 and Cdr.get().outcome == "failed"


def test_many_events_are_committed_in_batches(tmp_path: Path) -> None:
    _, database = make_store(tmp_path)
    published: list[dict[str, Any]] = []
    writer = EventWriter(database, published.extend)
    writer.start()
    for i in range(5000):
        writer.event(f"call-{i % 100}", "ivr.prompt", {"n": i})
    assert writer.flush(30)
    writer.stop()
    assert CallEvent.select().count() == 5000 == len(published)
    assert writer.committed_batches < 5000  # grouped, not one commit per event
    assert [e["data"]["n"] for e in published] == list(range(5000))  # in order
