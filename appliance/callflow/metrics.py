"""Queue metrics over CDR rows: today's answered and abandoned calls and the service level.

Pure functions over plain CDR rows (mappings with ``queue``, ``outcome``,
``wait_seconds`` and ``started_at`` in UNIX seconds, as the `cdr` table holds them),
so reports and the wallboard count the same way.  Formulas: docs/metrics.md.

A call belongs to the day, in the box's time zone, in which it started: a caller who
rang at 23:59:50 and was answered at 00:00:10 counts for the day before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
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
    c = components(rows, threshold, short_abandon)
    level = service_level(c.answered_in_threshold, c.answered, c.abandoned - c.short_abandoned)
    return QueueDay(c.answered, c.answered_in_threshold, c.abandoned, c.short_abandoned, level)


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
    interrupted: int = 0  # cut by an engine restart
    overflowed: int = 0  # passed on by a queue's overflow at least once
    transfers: int = 0  # transfers of these calls (a call may have several)
    callback_calls: int = 0  # calls the box made back to callers (direction callback)
    abandoned_in_threshold: int = 0  # every abandon within T, short ones included (SL2)
    app_queue_sl: float | None = None  # answered within T / answered, percent
    app_queue_sl2: float | None = None  # (answered + abandoned within T) / (answered + abandoned)
    average_talk: float | None = None  # of answered calls
    average_hold: float | None = None
    average_wrap_up: float | None = None


@dataclass(frozen=True)
class Components:
    """The additive parts of QueueStats: counts and millisecond sums (max for the longest).

    Two selections' components add up to their union's, so rollups per interval store
    them and any range sums them; QueueStats is always computed from them.
    """

    offered: int = 0
    answered: int = 0
    answered_in_threshold: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    abandoned_in_threshold: int = 0
    voicemail: int = 0
    callbacks: int = 0
    forwarded: int = 0
    failed: int = 0
    interrupted: int = 0
    overflowed: int = 0
    transfers: int = 0
    callback_calls: int = 0
    answered_wait_ms: int = 0
    talk_ms: int = 0
    hold_ms: int = 0
    wrap_up_ms: int = 0
    late_abandon_wait_ms: int = 0
    longest_wait_ms: int = 0

    def values(self) -> tuple[int, ...]:
        """Return the fields' values in their order (as rollup rows store them)."""
        return tuple(getattr(self, name) for name in COMPONENT_FIELDS)

    def __add__(self, other: Components) -> Components:
        """Return the components of both selections together."""
        summed = [a + b for a, b in zip(self.values(), other.values(), strict=True)]
        summed[-1] = max(self.longest_wait_ms, other.longest_wait_ms)  # the last field
        return Components(*summed)


COMPONENT_FIELDS = tuple(f.name for f in fields(Components))
assert COMPONENT_FIELDS[-1] == "longest_wait_ms"  # __add__ takes the maximum of the last


_OUTCOME_COUNTS = {
    Outcome.VOICEMAIL: "voicemail",
    Outcome.CALLBACK: "callbacks",
    Outcome.FORWARDED: "forwarded",
    Outcome.FAILED: "failed",
    Outcome.INTERRUPTED: "interrupted",
}


def handle_seconds(row: CdrRow) -> float:
    """Return a call's handle time: talk + hold + wrap-up (those the row has)."""
    parts = ("talk_seconds", "hold_seconds", "wrap_up_seconds")
    return sum(float(row.get(name) or 0.0) for name in parts)


def _ms(row: CdrRow, name: str) -> int:
    """Return a row's time field in whole milliseconds (CDR times are kept to the ms)."""
    return round(float(row.get(name) or 0.0) * 1000)


def row_components(
    row: CdrRow,
    threshold: float = DEFAULT_THRESHOLD_SECONDS,
    short_abandon: float = SHORT_ABANDON_SECONDS,
) -> dict[str, int]:
    """Return one CDR row's contribution to Components, as a dict of the non-zero parts."""
    wait, outcome = _ms(row, "wait_seconds"), row.get("outcome")
    within = wait <= round(threshold * 1000)
    parts = {"offered": 1, "longest_wait_ms": wait, "transfers": int(row.get("transfers") or 0)}
    parts["overflowed"] = int(bool(row.get("overflows")))
    parts["callback_calls"] = int(row.get("direction") == "callback")
    if outcome == Outcome.ANSWERED:
        parts.update(answered=1, answered_in_threshold=int(within), answered_wait_ms=wait)
        parts.update(talk_ms=_ms(row, "talk_seconds"), hold_ms=_ms(row, "hold_seconds"))
        parts["wrap_up_ms"] = _ms(row, "wrap_up_seconds")
    elif outcome == Outcome.ABANDONED:
        short = wait < round(short_abandon * 1000)
        parts.update(abandoned=1, short_abandoned=int(short), abandoned_in_threshold=int(within))
        parts["late_abandon_wait_ms"] = 0 if short else wait
    elif outcome in _OUTCOME_COUNTS:
        parts[_OUTCOME_COUNTS[Outcome(str(outcome))]] = 1
    return parts


def components(
    rows: Iterable[CdrRow],
    threshold: float = DEFAULT_THRESHOLD_SECONDS,
    short_abandon: float = SHORT_ABANDON_SECONDS,
) -> Components:
    """Return the additive components of the given CDR rows."""
    totals: dict[str, int] = dict.fromkeys(COMPONENT_FIELDS, 0)
    for row in rows:
        for name, value in row_components(row, threshold, short_abandon).items():
            totals[name] = (
                max(totals[name], value) if name == "longest_wait_ms" else totals[name] + value
            )
    return Components(**totals)


def _mean_ms(total_ms: int, count: int) -> float | None:
    """Return total_ms / count in seconds rounded to 0.1, or None for no values."""
    return round(total_ms / count / 1000, 1) if count else None


def _percent(part: int, whole: int) -> float | None:
    """Return part / whole in percent rounded to 0.1, or None when whole is 0."""
    return round(100.0 * part / whole, 1) if whole > 0 else None


def stats_from(c: Components) -> QueueStats:
    """Return every figure computed from the additive components."""
    late = c.abandoned - c.short_abandoned
    handle = c.talk_ms + c.hold_ms + c.wrap_up_ms
    return QueueStats(
        offered=c.offered,
        answered=c.answered,
        answered_in_threshold=c.answered_in_threshold,
        abandoned=c.abandoned,
        short_abandoned=c.short_abandoned,
        voicemail=c.voicemail,
        callbacks=c.callbacks,
        forwarded=c.forwarded,
        failed=c.failed,
        service_level=service_level(c.answered_in_threshold, c.answered, late),
        asa=_mean_ms(c.answered_wait_ms, c.answered),
        aht=_mean_ms(handle, c.answered),
        abandon_rate=_percent(late, c.offered - c.short_abandoned),
        longest_wait=c.longest_wait_ms / 1000,
        average_abandon_time=_mean_ms(c.late_abandon_wait_ms, late),
        interrupted=c.interrupted,
        overflowed=c.overflowed,
        transfers=c.transfers,
        callback_calls=c.callback_calls,
        abandoned_in_threshold=c.abandoned_in_threshold,
        app_queue_sl=_percent(c.answered_in_threshold, c.answered),
        app_queue_sl2=_percent(
            c.answered_in_threshold + c.abandoned_in_threshold, c.answered + c.abandoned
        ),
        average_talk=_mean_ms(c.talk_ms, c.answered),
        average_hold=_mean_ms(c.hold_ms, c.answered),
        average_wrap_up=_mean_ms(c.wrap_up_ms, c.answered),
    )


def queue_stats(
    rows: Iterable[CdrRow],
    threshold: float = DEFAULT_THRESHOLD_SECONDS,
    short_abandon: float = SHORT_ABANDON_SECONDS,
) -> QueueStats:
    """Return every figure of the given CDR rows (one queue's, or any selection)."""
    return stats_from(components(rows, threshold, short_abandon))


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
