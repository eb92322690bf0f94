"""Interval rollups: each queue's additive CDR figures per 30 minutes, rebuilt from the CDRs.

A report over a year sums a few thousand rollup rows instead of a million CDRs, and
gets exactly what the rows give: the figures are `metrics.Components` (counts and
millisecond sums), which add up.  Rollups never go stale unnoticed: a database
trigger (migration 20) drops an interval's `rollup_interval` row whenever a CDR
starting in it is written, changed or removed, and an interval without that row is
read from the raw CDRs until `refresh` (or `rebuild`) builds it again.

Each queue's rollup is kept at its configured threshold and at the default one
(periods use the default); a queue whose threshold changed since is read raw.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, cast

from peewee import fn

from appliance.callflow import metrics
from appliance.callflow.cdr import wrap_up_by_call
from appliance.callflow.metrics import Components
from appliance.store.database import db
from appliance.store.models import AgentRollup, CallEvent, Cdr, QueueRollup, RollupInterval

INTERVAL_SECONDS = 1800  # fixed in migration 20's trigger
FIGURES = tuple(f.name for f in fields(Components))
WRAP_UP_MARGIN_SECONDS = 3600  # agent events read past a call's end for its wrap-up
SETTLE_SECONDS = 3600  # refresh leaves intervals this recent alone: wrap-ups may not be over
DAY_INTERVALS = 86400 // INTERVAL_SECONDS

INSERT_ROLLUP = 'INSERT INTO "queue_rollup" ("start", "queue", "threshold", {}) VALUES ({})'.format(
    ", ".join(f'"{name}"' for name in FIGURES), ", ".join("?" * (3 + len(FIGURES)))
)
INSERT_AGENT_ROLLUP = 'INSERT INTO "agent_rollup" ("start", "agent", {}) VALUES ({})'.format(
    ", ".join(f'"{name}"' for name in FIGURES), ", ".join("?" * (2 + len(FIGURES)))
)
INSERT_INTERVAL = 'INSERT OR REPLACE INTO "rollup_interval" ("start", "built_at") VALUES (?, ?)'

Key = tuple[int, str, float]  # interval start, queue ("" for none), threshold


def interval_start(at: float) -> int:
    """Return the start of the interval in which the UNIX time at falls."""
    return int(at // INTERVAL_SECONDS) * INTERVAL_SECONDS


def interval_components(
    rows: Iterable[Mapping[str, Any]], thresholds: Mapping[str, float]
) -> dict[Key, Components]:
    """Return the components of the rows per interval, queue and threshold.

    Each queue gets them at its threshold (the default when it has none) and at the
    default threshold too.
    """
    totals: dict[Key, dict[str, int]] = {}
    default = float(metrics.DEFAULT_THRESHOLD_SECONDS)
    for row in rows:
        queue = str(row.get("queue") or "")
        start = interval_start(float(row["started_at"]))
        for threshold in {float(thresholds.get(queue, default)), default}:
            parts = metrics.row_components(row, threshold)
            into = totals.setdefault((start, queue, threshold), dict.fromkeys(FIGURES, 0))
            for name, value in parts.items():
                into[name] = (
                    max(into[name], value) if name == "longest_wait_ms" else into[name] + value
                )
    return {key: Components(**values) for key, values in totals.items()}


def agent_components(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[int, str], Components]:
    """Return the components of the rows an agent answered, per interval and agent."""
    groups: dict[tuple[int, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        if row.get("agent"):
            key = (interval_start(float(row["started_at"])), str(row["agent"]))
            groups.setdefault(key, []).append(row)
    return {key: metrics.components(group) for key, group in groups.items()}


def _fill_wrap_up(start: float, end: float) -> None:
    """Set the wrap-up of the answered CDRs started in [start, end) from the agent events."""
    query = Cdr.select(Cdr.call_id, Cdr.ended_at, Cdr.wrap_up_seconds).where(
        Cdr.started_at >= start, Cdr.started_at < end, Cdr.agent.is_null(False)
    )
    answered = cast(list[tuple[str, float, float]], list(query.tuples()))
    if not answered:
        return
    until = max(ended for _, ended, _ in answered) + WRAP_UP_MARGIN_SECONDS
    events = CallEvent.select(CallEvent.at, CallEvent.kind, CallEvent.data).where(
        CallEvent.call_id == "", CallEvent.kind == "agent.state", CallEvent.at >= start,
        CallEvent.at < until,
    )  # fmt: skip
    wrap = wrap_up_by_call({"at": e.at, "kind": e.kind, "data": e.data} for e in events)
    for call_id, _, current in answered:
        if call_id in wrap and wrap[call_id] != current:
            Cdr.update(wrap_up_seconds=wrap[call_id]).where(Cdr.call_id == call_id).execute()


def rebuild(start: float, end: float, thresholds: Mapping[str, float]) -> int:
    """Rebuild every interval overlapping [start, end) from its CDRs; return how many."""
    first, last = interval_start(start), interval_start(end - 1e-6) + INTERVAL_SECONDS
    with db.atomic("IMMEDIATE"):  # take the write lock first: no CDR slips in between
        _fill_wrap_up(first, last)
        query = Cdr.select().where(Cdr.started_at >= first, Cdr.started_at < last).dicts()
        rows = cast(list[dict[str, Any]], list(query))
        built = interval_components(rows, thresholds)
        for model in (QueueRollup, AgentRollup):
            model.delete().where(model.start >= first, model.start < last).execute()
        cursor = db.cursor()  # executemany: peewee's insert_many spends seconds making SQL
        cursor.executemany(
            INSERT_ROLLUP, [(s, q, t, *c.values()) for (s, q, t), c in built.items()]
        )
        agents = agent_components(rows)
        cursor.executemany(
            INSERT_AGENT_ROLLUP, [(s, a, *c.values()) for (s, a), c in agents.items()]
        )
        starts = range(first, last, INTERVAL_SECONDS)
        cursor.executemany(INSERT_INTERVAL, [(s, time.time()) for s in starts])
    return len(starts)


def refresh(now: float, thresholds: Mapping[str, float]) -> int:
    """Build every interval from the first CDR to SETTLE_SECONDS ago that is not built."""
    earliest = Cdr.select(fn.MIN(Cdr.started_at)).scalar()
    if earliest is None:
        return 0
    last = interval_start(now - SETTLE_SECONDS)
    done = built_starts(interval_start(earliest), last)
    todo = [s for s in range(interval_start(earliest), last, INTERVAL_SECONDS) if s not in done]
    count = 0
    for run_start, run_end in runs(todo, DAY_INTERVALS):
        count += rebuild(run_start, run_end, thresholds)
    return count


def built_starts(first: int, last: int) -> set[int]:
    """Return the starts of the built (current) intervals in [first, last)."""
    query = RollupInterval.select(RollupInterval.start).where(
        RollupInterval.start >= first, RollupInterval.start < last
    )
    return {int(row[0]) for row in cast(Iterable[tuple[int]], query.tuples())}


def runs(starts: Iterable[int], longest: int = 0) -> list[tuple[int, int]]:
    """Return sorted interval starts as contiguous [start, end) ranges (at most longest each)."""
    ranges: list[tuple[int, int]] = []
    for s in sorted(starts):
        size = (ranges[-1][1] - ranges[-1][0]) // INTERVAL_SECONDS if ranges else 0
        if ranges and ranges[-1][1] == s and (not longest or size < longest):
            ranges[-1] = (ranges[-1][0], s + INTERVAL_SECONDS)
        else:
            ranges.append((s, s + INTERVAL_SECONDS))
    return ranges


def whole_intervals(start: float, end: float) -> tuple[int, int]:
    """Return [first, last): the intervals lying wholly inside [start, end) (maybe none)."""
    first = math.ceil(start / INTERVAL_SECONDS) * INTERVAL_SECONDS
    return first, max(first, interval_start(end))


def _summed(query: Any, model: Any = QueueRollup) -> Any:
    """Return query selecting, after its own columns, every figure summed (longest: max)."""
    columns = [
        fn.MAX(model.longest_wait_ms) if name == "longest_wait_ms" else fn.SUM(getattr(model, name))
        for name in FIGURES
    ]
    return query.select_extend(*columns).join(
        RollupInterval, on=(RollupInterval.start == model.start)
    )


def queue_sums(
    first: int, last: int, queue: str = ""
) -> dict[tuple[str, float], tuple[int, Components]]:
    """Return per (queue, threshold) the built intervals in [first, last) and their sums."""
    query = _summed(QueueRollup.select(QueueRollup.queue, QueueRollup.threshold, fn.COUNT(1)))
    query = query.where(QueueRollup.start >= first, QueueRollup.start < last)
    if queue:
        query = query.where(QueueRollup.queue == queue)
    query = query.group_by(QueueRollup.queue, QueueRollup.threshold).tuples()
    return {(q, t): (n, Components(*map(int, values))) for q, t, n, *values in query}


def interval_values(first: int, last: int, queue: str = "") -> list[tuple[int, list[int]]]:
    """Return the default-threshold sums of every queue (or one) per built interval.

    Each is (start, the figures' values in FIGURES order), oldest first.
    """
    query = _summed(QueueRollup.select(QueueRollup.start)).where(
        QueueRollup.start >= first,
        QueueRollup.start < last,
        QueueRollup.threshold == float(metrics.DEFAULT_THRESHOLD_SECONDS),
    )
    if queue:
        query = query.where(QueueRollup.queue == queue)
    rows = query.group_by(QueueRollup.start).order_by(QueueRollup.start).tuples()
    return [(int(start), [int(v) for v in values]) for start, *values in rows]


def agent_sums(first: int, last: int, agent: str = "") -> dict[str, Components]:
    """Return per agent (or for one) the sums of the built intervals in [first, last)."""
    query = _summed(AgentRollup.select(AgentRollup.agent), AgentRollup)
    query = query.where(AgentRollup.start >= first, AgentRollup.start < last)
    if agent:
        query = query.where(AgentRollup.agent == agent)
    rows = query.group_by(AgentRollup.agent).tuples()
    return {name: Components(*map(int, values)) for name, *values in rows}
