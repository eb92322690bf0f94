"""Select CDR rows by a report filter and sum them per queue, agent or period.

The figures are `appliance.callflow.metrics`'s (one definition for reports, wallboard
and API); this module only reads the store and groups rows.  Periods are calendar
periods in the box's time zone: a call counts in the period in which it started.

`queue_report`, `agent_report` and `period_report` give what `by_queue(cdr_rows(f))`,
`by_agent(...)` and `by_period(cdr_rows(f), ...)` give, summing interval rollups
(`rollups.py`) for the whole built intervals of the range when the filter allows (by
queue — or agent for agent_report — but not by direction, outcome or number) and
reading only the rest raw: fast on a year, never different.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from appliance.callflow import metrics
from appliance.callflow.metrics import Components
from appliance.reports import rollups
from appliance.store.models import Cdr, Queue

PERIODS = ("hour", "day", "week", "month", "all")  # all: the whole range as one group
LONGEST = metrics.COMPONENT_FIELDS.index("longest_wait_ms")  # a maximum, not a sum
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
    rows = selected(report).order_by(Cdr.started_at).dicts()
    return cast(list[dict[str, Any]], list(rows))  # .dicts() yields dicts, not models


def newest_page(report: ReportFilter, offset: int, limit: int) -> list[dict[str, Any]]:
    """Return limit rows the filter selects from offset, newest first."""
    query = selected(report).order_by(Cdr.started_at.desc(), Cdr.id.desc())
    return cast(list[dict[str, Any]], list(query.offset(offset).limit(limit).dicts()))


def count(report: ReportFilter) -> int:
    """Return how many calls the filter selects."""
    return int(selected(report).count())


def selected(report: ReportFilter) -> Any:
    """Return the query of the CDRs the filter selects (the one definition of a filter)."""
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
    return query


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
    if period == "all":
        return "all"
    local = datetime.fromtimestamp(float(at), zone)
    if period == "hour":
        return local.strftime("%Y-%m-%d %H:00")
    if period == "day":
        return local.strftime("%Y-%m-%d")
    if period == "week":
        return (local.date() - timedelta(days=local.weekday())).isoformat()
    return local.strftime("%Y-%m")


def _group_rows(
    rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> dict[str, list[dict[str, Any]]]:
    """Return the rows by their key, leaving out rows whose key is empty."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        name = key(row)
        if name:
            groups.setdefault(str(name), []).append(row)
    return groups


def _grouped(
    rows: Iterable[dict[str, Any]],
    key: Callable[[dict[str, Any]], Any],
    queue_thresholds: dict[str, float],
) -> dict[str, metrics.QueueStats]:
    """Return queue_stats per key (skipping rows whose key is empty), sorted by key."""
    groups = _group_rows(rows, key)
    return {
        name: metrics.queue_stats(
            groups[name], queue_thresholds.get(name, metrics.DEFAULT_THRESHOLD_SECONDS)
        )
        for name in sorted(groups)
    }


def _rollups_allowed(report: ReportFilter, by_agent: bool = False) -> tuple[int, int] | None:
    """Return the whole intervals rollups may serve for the filter, or None.

    Queue rollups serve a filter by queue, agent rollups one by agent; nothing else.
    """
    other = report.queue if by_agent else report.agent
    if other or report.direction or report.outcome or report.number:
        return None
    first, last = rollups.whole_intervals(report.start, report.end)
    return (first, last) if first < last else None


def _raw_ranges(
    report: ReportFilter, first: int, last: int, served: set[int]
) -> list[ReportFilter]:
    """Return filters for the parts of the report's range the served intervals leave."""
    missing = set(range(first, last, rollups.INTERVAL_SECONDS)) - served
    ranges = [(report.start, float(first)), *rollups.runs(missing), (float(last), report.end)]
    return [ReportFilter(a, b, queue=report.queue, agent=report.agent) for a, b in ranges if a < b]


def _raw_rows(
    report: ReportFilter, first: int, last: int, served: set[int]
) -> list[dict[str, Any]]:
    """Return the CDR rows of the report's range outside the served intervals."""
    return [row for part in _raw_ranges(report, first, last, served) for row in cdr_rows(part)]


def queue_report(report: ReportFilter) -> dict[str, metrics.QueueStats]:
    """Return by_queue(cdr_rows(report)), from rollups where they serve."""
    whole = _rollups_allowed(report)
    if whole is None:
        return by_queue(cdr_rows(report))
    first, last = whole
    limits, default = thresholds(), float(metrics.DEFAULT_THRESHOLD_SECONDS)
    sums = rollups.queue_sums(first, last, report.queue)
    totals = {q: parts for (q, t), (_, parts) in sums.items() if q and t == limits.get(q, default)}
    # Default-threshold rollups exist for every interval with calls: a queue whose own
    # threshold's rollups cover fewer intervals had its threshold changed since.
    stale = {
        q
        for (q, t), (count, _) in sums.items()
        if q and t == default and sums.get((q, limits.get(q, default)), (-1,))[0] != count
    }
    served = rollups.built_starts(first, last)
    raw = [r for r in _raw_rows(report, first, last, served) if r.get("queue") not in stale]
    for queue in stale:
        totals.pop(queue, None)
        raw += cdr_rows(ReportFilter(report.start, report.end, queue=queue))
    return _with_rows(totals, raw, lambda row: row.get("queue"), limits)


def agent_report(report: ReportFilter) -> dict[str, metrics.QueueStats]:
    """Return by_agent(cdr_rows(report)), from rollups where they serve."""
    whole = _rollups_allowed(report, by_agent=True)
    if whole is None:
        return by_agent(cdr_rows(report))
    first, last = whole
    totals = rollups.agent_sums(first, last, report.agent)
    raw = _raw_rows(report, first, last, rollups.built_starts(first, last))
    return _with_rows(totals, raw, lambda row: row.get("agent"), {})


def period_report(
    report: ReportFilter, period: str, timezone: str
) -> dict[str, metrics.QueueStats]:
    """Return by_period(cdr_rows(report), period, timezone), from rollups where they serve."""
    whole = _rollups_allowed(report)
    if whole is None or period not in PERIODS:
        return by_period(cdr_rows(report), period, timezone)
    first, last, zone = *whole, ZoneInfo(timezone)
    step = rollups.INTERVAL_SECONDS

    def label(at: float) -> str:
        return period_label(at, period, zone)

    # An interval straddling two periods (time zones off by 15 or 45 minutes) is read raw.
    labels = {s: label(s) for s in rollups.built_starts(first, last)}
    served = {s for s, name in labels.items() if name == label(s + step - 0.001)}
    sums: dict[str, list[int]] = {}
    for start, values in rollups.interval_values(first, last, report.queue):
        if start in served:
            into = sums.setdefault(labels[start], [0] * len(values))
            for i, value in enumerate(values):
                into[i] = max(into[i], value) if i == LONGEST else into[i] + value
    totals = {name: Components(*values) for name, values in sums.items()}
    raw = _raw_rows(report, first, last, served)
    return _with_rows(totals, raw, lambda row: label(row["started_at"]), {})


def _with_rows(
    totals: dict[str, Components],
    rows: Iterable[dict[str, Any]],
    key: Callable[[dict[str, Any]], Any],
    queue_thresholds: dict[str, float],
) -> dict[str, metrics.QueueStats]:
    """Return stats per key of the summed components plus the rows', sorted by key."""
    groups = _group_rows(rows, key)
    default = metrics.DEFAULT_THRESHOLD_SECONDS
    for name, group in groups.items():
        parts = metrics.components(group, queue_thresholds.get(name, default))
        totals[name] = totals.get(name, Components()) + parts
    return {name: metrics.stats_from(totals[name]) for name in sorted(totals)}
