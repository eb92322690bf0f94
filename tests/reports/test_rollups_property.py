"""Property: reports summed from rollups equal recomputation from the raw CDRs, always.

A random stream of CDRs (any outcome, queue or none, times to the millisecond over
three days across the end of US summer time), rollups built for a random part of it,
more CDRs written afterwards (the trigger must drop their intervals), sometimes a
queue's threshold changed, then a random report range, queue and agent, reported per
queue, per agent and per period in zones whose hours start on the hour, at a quarter
past (Kathmandu) or move (New York).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import Database

from appliance.callflow.const import Outcome
from appliance.reports import queries, rollups
from appliance.reports.queries import ReportFilter
from appliance.store.models import AgentRollup, Cdr, Queue, QueueRollup, RollupInterval

BASE = 1_793_491_200  # 2026-11-01 00:00 UTC; US clocks go back at 06:00 UTC that day
SPAN_MS = 3 * 86400 * 1000
ZONES = ("Asia/Shanghai", "Asia/Kathmandu", "America/New_York", "UTC")

# Any millisecond, or near a quarter hour: interval, hour and day bounds in every zone.
near_bounds = st.tuples(st.integers(0, SPAN_MS // 900_000), st.integers(-2000, 2000))
times = st.one_of(
    st.integers(0, SPAN_MS).map(lambda ms: BASE + ms / 1000),
    near_bounds.map(lambda q: BASE + q[0] * 900 + q[1] / 1000),
)
ranges = st.one_of(st.just((BASE, BASE + SPAN_MS / 1000)), st.tuples(times, times))
seconds = st.integers(0, 900_000).map(lambda ms: ms / 1000)
cdrs = st.fixed_dictionaries(
    {
        "started_at": times,
        "queue": st.sampled_from(["sales", "support", "other", None]),
        "outcome": st.sampled_from([str(o) for o in Outcome]),
        "direction": st.sampled_from(["inbound", "internal", "callback", "outbound"]),
        "agent": st.sampled_from([None, "201", "202"]),
        "wait_seconds": st.one_of(st.sampled_from([0.0, 4.999, 5.0, 20.0, 30.0]), seconds),
        "talk_seconds": seconds,
        "hold_seconds": seconds,
        "wrap_up_seconds": seconds,
        "transfers": st.integers(0, 2),
        "overflows": st.integers(0, 2),
    }
)


def store_all(rows: list[dict[str, Any]], first: int) -> None:
    """Store rows as CDRs numbered from first."""
    for n, row in enumerate(rows, first):
        Cdr.create(call_id=f"c{n}", ended_at=row["started_at"] + 60, **row)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.lists(cdrs, max_size=40),
    after=st.lists(cdrs, max_size=5),
    built=ranges,
    report=ranges,
    queue=st.sampled_from(["", "sales", "support"]),
    agent=st.sampled_from(["", "201"]),
    new_threshold=st.sampled_from([None, 20, 45]),
)
def test_rollups_equal_the_raw_rows(
    store: Database,
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    built: tuple[float, float],
    report: tuple[float, float],
    queue: str,
    agent: str,
    new_threshold: int | None,
) -> None:
    for model in (Cdr, Queue, QueueRollup, AgentRollup, RollupInterval):
        model.delete().execute()
    Queue.create(name="sales", service_level_seconds=20)
    Queue.create(name="support", service_level_seconds=30)
    store_all(before, 0)
    rollups.rebuild(min(built), max(built) + 1, queries.thresholds())
    store_all(after, len(before))
    if new_threshold is not None:
        Queue.update(service_level_seconds=new_threshold).where(Queue.name == "support").execute()
    wanted = ReportFilter(min(report), max(report) + 1, queue=queue)
    rows = queries.cdr_rows(wanted)
    assert queries.queue_report(wanted) == queries.by_queue(rows)
    per_agent = ReportFilter(wanted.start, wanted.end, agent=agent)
    assert queries.agent_report(per_agent) == queries.by_agent(queries.cdr_rows(per_agent))
    for zone in ZONES:
        for period in queries.PERIODS:
            found = queries.period_report(wanted, period, zone)
            assert found == queries.by_period(rows, period, zone), (zone, period)
