"""Select CDR rows by a report filter and sum them per queue, agent or period.

The figures are `appliance.callflow.metrics`'s (one definition for reports, wallboard
and API); this module only reads the store and groups rows.  Periods are calendar
periods in the box's time zone: a call counts in the period in which it started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from appliance.callflow import metrics
from appliance.store.models import Cdr, Queue

PERIODS = ("hour", "day", "week", "month")
CDR_FIELDS = (
    "call_id",
    "started_at",
    "ended_at",
    "from_number",
    "to_number",
    "direction",
    "queue",
    "agent",
    "wait_seconds",
    "talk_seconds",
    "outcome",
    "recording",
)


@dataclass(frozen=True)
class ReportFilter:
    """Which calls a report covers: started in [start, end), and the optional filters."""

    start: float  # UNIX seconds
    end: float
    queue: str = ""
    agent: str = ""
    direction: str = ""  # inbound | outbound | internal
    outcome: str = ""
    number: str = ""  # part of the calling or called number


def cdr_rows(report: ReportFilter) -> list[dict[str, Any]]:
    """Return the CDR rows the filter selects, oldest first, as plain dicts."""
    query = Cdr.select().where(Cdr.started_at >= report.start, Cdr.started_at < report.end)
    for field, value in (
        (Cdr.queue, report.queue),
        (Cdr.agent, report.agent),
        (Cdr.direction, report.direction),
        (Cdr.outcome, report.outcome),
    ):
        if value:
            query = query.where(field == value)
    if report.number:
        query = query.where(
            Cdr.from_number.contains(report.number) | Cdr.to_number.contains(report.number)
        )
    rows = query.order_by(Cdr.started_at).dicts()
    return cast(list[dict[str, Any]], list(rows))  # .dicts() yields dicts, not models


def thresholds() -> dict[str, float]:
    """Return each configured queue's service-level threshold in seconds."""
    return {q.name: float(q.service_level_seconds) for q in Queue.select()}


def by_queue(rows: Iterable[dict[str, Any]]) -> dict[str, metrics.QueueStats]:
    """Return the figures of each queue the rows name, sorted by queue name."""
    return _grouped(rows, lambda row: row.get("queue"), thresholds())


def by_agent(rows: Iterable[dict[str, Any]]) -> dict[str, metrics.QueueStats]:
    """Return the figures of the calls each agent answered, sorted by extension."""
    answered = (r for r in rows if r.get("agent"))
    return _grouped(answered, lambda row: row.get("agent"), {})


def by_period(
    rows: Iterable[dict[str, Any]], period: str, timezone: str
) -> dict[str, metrics.QueueStats]:
    """Return the figures per hour, day, week (from Monday) or month, oldest first."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    zone = ZoneInfo(timezone)
    return _grouped(rows, lambda row: period_label(row["started_at"], period, zone), {})


def period_label(at: float, period: str, zone: ZoneInfo) -> str:
    """Return the label of the period in which the UNIX time at falls."""
    local = datetime.fromtimestamp(float(at), zone)
    if period == "hour":
        return local.strftime("%Y-%m-%d %H:00")
    if period == "day":
        return local.strftime("%Y-%m-%d")
    if period == "week":
        return (local.date() - timedelta(days=local.weekday())).isoformat()
    return local.strftime("%Y-%m")


def _grouped(
    rows: Iterable[dict[str, Any]],
    key: Callable[[dict[str, Any]], Any],
    queue_thresholds: dict[str, float],
) -> dict[str, metrics.QueueStats]:
    """Return queue_stats per key (skipping rows whose key is empty), sorted by key."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        name = key(row)
        if name:
            groups.setdefault(str(name), []).append(row)
    return {
        name: metrics.queue_stats(
            groups[name], queue_thresholds.get(name, metrics.DEFAULT_THRESHOLD_SECONDS)
        )
        for name in sorted(groups)
    }
