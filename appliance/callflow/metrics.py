"""Queue metrics over CDR rows: today's answered and abandoned calls and the service level.

Pure functions over plain CDR rows (mappings with ``queue``, ``outcome``,
``wait_seconds`` and ``started_at`` in UNIX seconds, as the `cdr` table holds them),
so reports and the wallboard count the same way.  Formulas: docs/metrics.md.

A call belongs to the day, in the box's time zone, in which it started: a caller who
rang at 23:59:50 and was answered at 00:00:10 counts for the day before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from appliance.callflow.const import Outcome

DEFAULT_THRESHOLD_SECONDS = 20  # the usual 80/20 goal: 80 % answered within 20 s
SHORT_ABANDON_SECONDS = 5.0  # callers who hang up sooner are left out of the service level

CdrRow = Mapping[str, Any]


@dataclass(frozen=True)
class QueueDay:
    """One queue's counts over a period (a day, for the wallboard)."""

    answered: int = 0
    answered_in_threshold: int = 0
    abandoned: int = 0  # every caller who hung up before an agent answered
    short_abandoned: int = 0  # those of them who waited less than the short-abandon limit
    service_level: float | None = None  # percent; None when no call counts yet


def service_level(
    answered_in_threshold: int, answered: int, abandoned_after_short: int
) -> float | None:
    """Return the service level in percent, or None when no call counts.

    service level = answered within the threshold
                    / (answered + abandoned after the short-abandon limit) × 100

    Callers who hung up within the short-abandon limit (misdials, changed their mind)
    count neither way.  Calls that left the queue otherwise (voicemail, callback,
    forwarded, failed, interrupted) are not in the formula.
    """
    offered = answered + abandoned_after_short
    if offered <= 0:
        return None
    return round(100.0 * answered_in_threshold / offered, 1)


def queue_day(
    rows: Iterable[CdrRow],
    threshold: float = DEFAULT_THRESHOLD_SECONDS,
    short_abandon: float = SHORT_ABANDON_SECONDS,
) -> QueueDay:
    """Return the counts and service level of one queue's CDR rows."""
    answered = in_threshold = abandoned = short = 0
    for row in rows:
        wait = float(row.get("wait_seconds") or 0.0)
        if row.get("outcome") == Outcome.ANSWERED:
            answered += 1
            in_threshold += wait <= threshold
        elif row.get("outcome") == Outcome.ABANDONED:
            abandoned += 1
            short += wait < short_abandon
    level = service_level(in_threshold, answered, abandoned - short)
    return QueueDay(answered, in_threshold, abandoned, short, level)


def queues_day(
    rows: Iterable[CdrRow],
    thresholds: Mapping[str, float],
    short_abandon: float = SHORT_ABANDON_SECONDS,
) -> dict[str, QueueDay]:
    """Return QueueDay per queue named in thresholds (queues with no calls included)."""
    by_queue: dict[str, list[CdrRow]] = {name: [] for name in thresholds}
    for row in rows:
        if row.get("queue") in by_queue:
            by_queue[row["queue"]].append(row)
    return {name: queue_day(by_queue[name], thresholds[name], short_abandon) for name in thresholds}


def day_bounds(now: float, timezone: str) -> tuple[float, float]:
    """Return the UNIX seconds of the start and end of now's day in timezone."""
    tz = ZoneInfo(timezone)
    day = datetime.fromtimestamp(now, tz).date()
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start.timestamp(), end.timestamp()


def started_within(rows: Iterable[CdrRow], start: float, end: float) -> list[CdrRow]:
    """Return the rows whose call started in [start, end)."""
    return [row for row in rows if start <= float(row["started_at"]) < end]
