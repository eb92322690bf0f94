"""Migration 20: report figures on CDRs, rollup tables, and what keeps rollups honest."""

from __future__ import annotations

from pathlib import Path

from peewee import Database
from store_support import database_at

from appliance.config import Settings
from appliance.engine.recovery import close_interrupted_calls
from appliance.store import migrations
from appliance.store.models import CallEvent, Cdr, RollupInterval


def test_existing_cdrs_get_zero_figures(settings: Settings) -> None:
    database = database_at(settings, 17)
    database.execute_sql(
        'INSERT INTO "cdr" (call_id, started_at, ended_at, from_number, to_number, direction,'
        " queue, agent, wait_seconds, talk_seconds, outcome)"
        " VALUES ('old', 100, 200, '1', '2', 'inbound', 'sales', '201', 5, 60, 'answered')"
    )
    migrations.migrate(database, Path(settings.paths.backups))
    row = Cdr.get(Cdr.call_id == "old")
    assert (row.hold_seconds, row.wrap_up_seconds, row.transfers, row.overflows) == (0, 0, 0, 0)
    assert row.overflow_queue is None and row.talk_seconds == 60
    database.close()


def test_a_call_cut_by_a_restart_still_gets_its_figures(store: Database, tmp_path: Path) -> None:
    events = [
        ("call.started", 1000.0, {"from": "138", "to": "100"}),
        ("queue.joined", 1000.0, {"queue": "sales"}),
        ("queue.overflow", 1030.0, {"queue": "sales", "to": "queue:support"}),
        ("queue.joined", 1030.0, {"queue": "support"}),
        ("agent.answered", 1040.0, {"agent": "201", "queue": "support"}),
        ("call.held", 1050.0, {"agent": "201"}),
    ]
    for kind, at, data in events:
        CallEvent.create(call_id="cut", at=at, kind=kind, leg="", data=data)
    assert close_interrupted_calls(store, tmp_path) == ["cut"]
    row = Cdr.get(Cdr.call_id == "cut")
    assert (row.outcome, row.queue, row.overflows, row.overflow_queue) == (
        "interrupted", "support", 1, "sales",
    )  # fmt: skip
    assert row.hold_seconds > 0  # on hold from 1050 until the restart closed it
    assert row.wait_seconds == 40.0


def test_writing_a_cdr_drops_the_rollups_of_its_interval(store: Database) -> None:
    for start in (0, 1800, 3600):
        RollupInterval.create(start=start, built_at=1.0)
    Cdr.create(call_id="a", started_at=1799.5, ended_at=1900, outcome="answered")
    assert [r.start for r in RollupInterval.select().order_by(RollupInterval.start)] == [1800, 3600]
    RollupInterval.create(start=0, built_at=1.0)
    Cdr.update(started_at=3700.0).where(Cdr.call_id == "a").execute()  # moved: both dropped
    assert [r.start for r in RollupInterval.select()] == [1800]
    RollupInterval.create(start=3600, built_at=1.0)
    Cdr.delete().where(Cdr.call_id == "a").execute()
    assert [r.start for r in RollupInterval.select()] == [1800]


def test_a_cdr_from_the_event_writer_drops_its_interval(store: Database) -> None:
    from appliance.store.writer import EventWriter

    RollupInterval.create(start=1800, built_at=1.0)
    writer = EventWriter(store, lambda events: None)
    writer.start()
    writer.cdr({"call_id": "w", "started_at": 2000.0, "ended_at": 2100.0, "outcome": "failed"})
    assert writer.flush()
    writer.stop()
    assert RollupInterval.select().count() == 0
    assert Cdr.get(Cdr.call_id == "w").transfers == 0  # a row without the new fields
