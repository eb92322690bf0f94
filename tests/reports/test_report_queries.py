"""Report queries: CDR rows selected by a filter on a real store, summed per group."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from appliance.callflow import metrics
from appliance.reports import queries
from appliance.reports.queries import ReportFilter
from appliance.store.models import Cdr, Queue

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> float:
    """Return the UNIX time of a local 'YYYY-MM-DD HH:MM' in Shanghai."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ).timestamp()


def call(n: int, when: str, **fields: Any) -> Cdr:
    """Store a CDR started at the local time when."""
    start = at(when)
    values = {"queue": "sales", "outcome": "answered", "wait_seconds": 10.0, "talk_seconds": 60.0}
    values.update(fields)
    return Cdr.create(
        call_id=f"c{n}",
        started_at=start,
        ended_at=start + 90,
        from_number=f"1380000{n:04d}",
        **values,
    )


@pytest.fixture
def calls(store: Database) -> None:
    """Store a few calls over two days in two queues."""
    Queue.create(name="sales", service_level_seconds=20)
    Queue.create(name="support", service_level_seconds=30)
    call(1, "2026-11-02 09:10", wait_seconds=5.0, agent="201")
    call(2, "2026-11-02 09:40", wait_seconds=25.0, agent="202")
    call(3, "2026-11-02 10:05", outcome="abandoned", wait_seconds=40.0, talk_seconds=0.0)
    call(4, "2026-11-03 23:59", queue="support", wait_seconds=25.0, agent="201")
    call(5, "2026-11-03 12:00", queue="support", outcome="abandoned", wait_seconds=2.0)


def test_filter_selects_by_range_queue_and_number(calls: None) -> None:
    day = ReportFilter(at("2026-11-02 00:00"), at("2026-11-03 00:00"))
    assert [r["call_id"] for r in queries.cdr_rows(day)] == ["c1", "c2", "c3"]
    both = ReportFilter(at("2026-11-01 00:00"), at("2026-11-04 00:00"))
    assert len(queries.cdr_rows(both)) == 5
    assert [
        r["call_id"] for r in queries.cdr_rows(ReportFilter(**{**vars(both), "queue": "support"}))
    ] == ["c5", "c4"]
    assert [
        r["call_id"] for r in queries.cdr_rows(ReportFilter(**{**vars(both), "number": "00002"}))
    ] == ["c2"]


def test_by_queue_uses_each_queues_threshold(calls: None) -> None:
    rows = queries.cdr_rows(ReportFilter(at("2026-11-01 00:00"), at("2026-11-04 00:00")))
    stats = queries.by_queue(rows)
    assert list(stats) == ["sales", "support"]
    sales = stats["sales"]
    assert (sales.offered, sales.answered, sales.abandoned) == (3, 2, 1)
    assert sales.service_level == pytest.approx(33.3)  # 1 within 20 s of 2 answered + 1 abandoned
    assert sales.asa == 15.0 and sales.aht == 60.0 and sales.longest_wait == 40.0
    assert sales.abandon_rate == pytest.approx(33.3) and sales.average_abandon_time == 40.0
    support = stats["support"]  # 25 s is within support's 30 s; the 2 s abandon is short
    assert (support.service_level, support.short_abandoned, support.abandon_rate) == (100.0, 1, 0.0)


def test_by_period_counts_a_call_in_the_local_period_it_started(calls: None) -> None:
    rows = queries.cdr_rows(ReportFilter(at("2026-11-01 00:00"), at("2026-11-04 00:00")))
    days = queries.by_period(rows, "day", "Asia/Shanghai")
    assert {d: s.offered for d, s in days.items()} == {"2026-11-02": 3, "2026-11-03": 2}
    hours = queries.by_period(rows, "hour", "Asia/Shanghai")
    assert hours["2026-11-02 09:00"].offered == 2 and hours["2026-11-03 23:00"].offered == 1
    assert list(queries.by_period(rows, "week", "Asia/Shanghai")) == ["2026-11-02"]
    assert list(queries.by_period(rows, "month", "Asia/Shanghai")) == ["2026-11"]
    with pytest.raises(ValueError, match="period must be one of"):
        queries.by_period(rows, "year", "Asia/Shanghai")


def test_by_agent_counts_only_answered_calls(calls: None) -> None:
    rows = queries.cdr_rows(ReportFilter(at("2026-11-01 00:00"), at("2026-11-04 00:00")))
    agents = queries.by_agent(rows)
    assert {a: s.answered for a, s in agents.items()} == {"201": 2, "202": 1}


def test_queue_stats_over_no_calls_has_no_means() -> None:
    empty = metrics.queue_stats([])
    assert empty == metrics.QueueStats()
    assert (empty.asa, empty.aht, empty.abandon_rate, empty.service_level) == (None,) * 4
