"""Interval rollups: built from CDRs, summed by reports, dropped when a CDR changes."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from appliance.callflow.metrics import Components
from appliance.config import Settings
from appliance.jobs.rollups import refresh_rollups
from appliance.reports import queries, rollups
from appliance.reports.queries import ReportFilter
from appliance.store.migrations import m0020_report_figures
from appliance.store.models import (
    AgentRollup,
    CallEvent,
    Cdr,
    Queue,
    QueueRollup,
    RollupInterval,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> float:
    """Return the UNIX time of a local 'YYYY-MM-DD HH:MM[:SS]' in Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ).timestamp()


def call(n: int, when: str, **fields: Any) -> None:
    """Store a CDR started at the local time when."""
    values = {"queue": "sales", "outcome": "answered", "wait_seconds": 10.0, "talk_seconds": 60.0}
    values.update(fields)
    Cdr.create(call_id=f"c{n}", started_at=at(when), ended_at=at(when) + 90, **values)


@pytest.fixture
def calls(store: Database) -> None:
    """Store calls over two days in two queues, one spanning midnight."""
    Queue.create(name="sales", service_level_seconds=20)
    Queue.create(name="support", service_level_seconds=30)
    call(1, "2026-11-02 09:10", wait_seconds=5.0, agent="201", hold_seconds=12.5)
    call(2, "2026-11-02 09:40", wait_seconds=25.0, agent="202", transfers=1)
    call(3, "2026-11-02 10:05", outcome="abandoned", wait_seconds=40.0, talk_seconds=0.0)
    call(4, "2026-11-02 23:59:50", queue="support", wait_seconds=25.0, agent="201")
    call(5, "2026-11-03 12:00", queue="support", outcome="abandoned", wait_seconds=2.0)
    call(6, "2026-11-03 12:10", queue=None, outcome="failed", wait_seconds=0.0)


DAYS = ReportFilter(at("2026-11-02 00:00"), at("2026-11-04 00:00"))


def raw_rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the raw CDR rows the reports read from now on."""
    read: list[int] = []
    original = queries.cdr_rows

    def counting(report: ReportFilter) -> list[dict[str, Any]]:
        rows = original(report)
        read.append(len(rows))
        return rows

    monkeypatch.setattr(queries, "cdr_rows", counting)
    return read


def test_the_figures_the_table_and_the_migration_name_agree() -> None:
    names = tuple(f.name for f in fields(Components))
    assert rollups.FIGURES == names == m0020_report_figures.FIGURES
    assert set(names) <= set(QueueRollup._meta.fields) & set(AgentRollup._meta.fields)


def test_reports_from_rollups_equal_the_raw_rows_and_read_none(
    calls: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected_queues = queries.by_queue(queries.cdr_rows(DAYS))
    expected_days = queries.by_period(queries.cdr_rows(DAYS), "day", "Asia/Shanghai")
    expected_agents = queries.by_agent(queries.cdr_rows(DAYS))
    assert rollups.rebuild(DAYS.start, DAYS.end, queries.thresholds()) == 96
    read = raw_rows_read(monkeypatch)
    assert queries.queue_report(DAYS) == expected_queues
    assert queries.period_report(DAYS, "day", "Asia/Shanghai") == expected_days
    assert queries.agent_report(DAYS) == expected_agents
    assert sum(read) == 0  # every call came from the rollups
    assert sorted(expected_agents) == ["201", "202"] and expected_agents["201"].answered == 2
    assert expected_queues["sales"].average_hold == 6.2  # (12.5 + 0) / 2, rounded
    assert expected_days["2026-11-02"].offered == 4  # the call at 23:59:50 counts that day


def test_a_range_not_on_interval_bounds_reads_only_its_edges(
    calls: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rollups.rebuild(DAYS.start, DAYS.end, queries.thresholds())
    odd = ReportFilter(at("2026-11-02 09:20"), at("2026-11-03 00:00:05"), queue="sales")
    expected = queries.by_queue(queries.cdr_rows(odd))
    hours = queries.by_period(queries.cdr_rows(odd), "hour", "Asia/Shanghai")
    read = raw_rows_read(monkeypatch)
    assert queries.queue_report(odd) == expected
    assert queries.period_report(odd, "hour", "Asia/Shanghai") == hours
    assert sum(read) == 0  # 09:20–09:30 and 00:00–00:00:05 hold no sales call
    assert expected["sales"].offered == 2  # c2 at 09:40, c3 at 10:05


def test_a_cdr_written_after_the_build_drops_its_interval_until_refreshed(
    calls: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rollups.rebuild(DAYS.start, DAYS.end, queries.thresholds())
    call(7, "2026-11-02 09:50", outcome="abandoned", wait_seconds=30.0)  # as the writer does
    assert RollupInterval.get_or_none(start=rollups.interval_start(at("2026-11-02 09:50"))) is None
    read = raw_rows_read(monkeypatch)
    report = queries.queue_report(DAYS)
    assert read == [2]  # the dropped 09:30 interval was read raw: c2 and c7
    assert report["sales"].abandoned == 2 and report["sales"].offered == 4
    assert rollups.refresh(at("2026-11-04 01:00"), queries.thresholds()) == 1  # only it
    read.clear()
    assert queries.queue_report(DAYS) == report
    assert sum(read) == 0


def test_a_changed_threshold_reads_that_queue_raw(calls: None) -> None:
    rollups.rebuild(DAYS.start, DAYS.end, queries.thresholds())
    Queue.update(service_level_seconds=25).where(Queue.name == "sales").execute()
    report = queries.queue_report(DAYS)
    assert report == queries.by_queue(queries.cdr_rows(DAYS))
    assert report["sales"].answered_in_threshold == 2  # 5 s and 25 s are within 25 s now


def test_filters_rollups_cannot_serve_read_the_rows(calls: None) -> None:
    rollups.rebuild(DAYS.start, DAYS.end, queries.thresholds())
    for extra in ({"agent": "201"}, {"outcome": "abandoned"}, {"number": "1"}):
        report = ReportFilter(DAYS.start, DAYS.end, **extra)
        assert queries.queue_report(report) == queries.by_queue(queries.cdr_rows(report))


def test_the_rebuild_fills_wrap_up_from_agent_events(store: Database) -> None:
    call(1, "2026-11-02 09:10", agent="201")
    c1 = Cdr.get(Cdr.call_id == "c1")
    for offset, state, extra in (
        (0, "on_call", {"call_id": "c1"}),
        (90, "wrap_up", {}),
        (110, "ready", {}),
    ):
        data = {"agent": "201", "state": state, **extra}
        CallEvent.create(
            call_id="", at=c1.started_at + offset, kind="agent.state", leg="201", data=data
        )
    rollups.rebuild(DAYS.start, DAYS.end, {})
    assert Cdr.get(Cdr.call_id == "c1").wrap_up_seconds == 20.0
    assert queries.queue_report(DAYS)["sales"].aht == 80.0  # 60 talk + 20 wrap-up


def test_the_scheduler_job_builds_intervals_that_are_over(settings: Settings, calls: None) -> None:
    assert refresh_rollups(settings) > 0
    assert RollupInterval.select().count() > 0
    assert refresh_rollups(settings) == 0  # nothing left to build
    assert queries.queue_report(DAYS) == queries.by_queue(queries.cdr_rows(DAYS))


def test_the_forecast_takes_measured_hold_and_wrap_up_else_the_queues(store: Database) -> None:
    from appliance.forecast_report import queue_history

    queue = Queue.create(name="sales", wrap_up_seconds=15)
    call(1, "2026-11-02 09:10", agent="201", hold_seconds=30.0, wrap_up_seconds=40.0)
    call(2, "2026-11-02 09:20", agent="201")
    history = queue_history(queue, at("2026-11-03 00:00"), 1)
    assert [(r["hold_seconds"], r["wrap_up_seconds"]) for r in history] == [(30.0, 40.0), (0, 15)]
