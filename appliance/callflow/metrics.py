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


@dataclass(frozen=True)
class QueueStats:
    """Every figure of one queue (or any group of calls) over a period, from its CDR rows.

    Times are seconds; a mean over no calls is None (shown as "–", never 0).
    """

    offered: int = 0  # every call that reached the queue, whatever its outcome
    answered: int = 0
    answered_in_threshold: int = 0
    abandoned: int = 0  # short abandons included
    short_abandoned: int = 0
    voicemail: int = 0
    callbacks: int = 0  # callers who asked to be called back (outcome callback)
    forwarded: int = 0
    failed: int = 0  # ended by the box: nobody to take it, max wait, ...
    service_level: float | None = None  # percent, see service_level()
    asa: float | None = None  # average speed of answer: mean wait of answered calls
    aht: float | None = None  # average handle time: talk + hold + wrap-up of answered calls
    abandon_rate: float | None = None  # percent of offered, short abandons left out of both
    longest_wait: float = 0.0  # of any call, answered or not
    average_abandon_time: float | None = None  # mean wait of abandons after the short limit


def handle_seconds(row: CdrRow) -> float:
    """Return a call's handle time: talk + hold + wrap-up (those the row has)."""
    parts = ("talk_seconds", "hold_seconds", "wrap_up_seconds")
    return sum(float(row.get(name) or 0.0) for name in parts)


def _mean(values: list[float]) -> float | None:
    """Return the mean rounded to 0.1, or None for no values."""
    return round(sum(values) / len(values), 1) if values else None


def queue_stats(
    rows: Iterable[CdrRow],
    threshold: float = DEFAULT_THRESHOLD_SECONDS,
    short_abandon: float = SHORT_ABANDON_SECONDS,
) -> QueueStats:
    """Return every figure of the given CDR rows (one queue's, or any selection)."""
    rows = list(rows)
    outcomes = [row.get("outcome") for row in rows]
    waits = [float(row.get("wait_seconds") or 0.0) for row in rows]
    day = queue_day(rows, threshold, short_abandon)
    answered = [w for o, w in zip(outcomes, waits, strict=True) if o == Outcome.ANSWERED]
    late_abandons = [
        w
        for o, w in zip(outcomes, waits, strict=True)
        if o == Outcome.ABANDONED and w >= short_abandon
    ]
    counted = len(rows) - day.short_abandoned
    return QueueStats(
        offered=len(rows),
        answered=day.answered,
        answered_in_threshold=day.answered_in_threshold,
        abandoned=day.abandoned,
        short_abandoned=day.short_abandoned,
        voicemail=outcomes.count(Outcome.VOICEMAIL),
        callbacks=outcomes.count(Outcome.CALLBACK),
        forwarded=outcomes.count(Outcome.FORWARDED),
        failed=outcomes.count(Outcome.FAILED),
        service_level=day.service_level,
        asa=_mean(answered),
        aht=_mean([handle_seconds(r) for r in rows if r.get("outcome") == Outcome.ANSWERED]),
        abandon_rate=round(100.0 * len(late_abandons) / counted, 1) if counted > 0 else None,
        longest_wait=max(waits, default=0.0),
        average_abandon_time=_mean(late_abandons),
    )


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
