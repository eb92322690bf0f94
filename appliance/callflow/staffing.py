"""Staffing forecast: agents needed per interval by Erlang C, from past CDR rows.

Pure functions, no I/O.  The Erlang C part takes calls per interval and the average
handle time (AHT); the history part averages a weekday's calls and handle times over
recent weeks in the box's time zone.  Formulas: docs/metrics.md, "Staffing (Erlang C)".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from appliance.callflow.const import Outcome

CdrRow = Mapping[str, Any]
HANDLE_FIELDS = ("talk_seconds", "hold_seconds", "wrap_up_seconds")  # summed when present
_EPSILON = 1e-9  # 14 / (1 - 0.3) is 20.000000000000004 in floats: still 20 agents


@dataclass(frozen=True)
class Staffing:
    """The agents one interval needs, and what that many agents achieve."""

    agents: int  # on the phones, by Erlang C (and the occupancy cap)
    scheduled: int  # to schedule: agents / (1 - shrinkage), rounded up
    service_level: float  # fraction answered within the target, 0..1
    asa: float  # average speed of answer, seconds
    occupancy: float  # fraction of the agents' time on calls, 0..1


@dataclass(frozen=True)
class Interval:
    """One interval of a forecast day."""

    start: str  # "HH:MM", local time
    calls: float  # average offered calls
    aht: float | None  # seconds; None when the history has no answered call
    staffing: Staffing | None  # None when aht is None and calls are expected


def erlang_c(agents: int, traffic_erlangs: float) -> float:
    """Return the probability that a call waits, for agents and traffic in Erlangs.

    Built from the Erlang B recursion B(k) = A·B(k-1) / (k + A·B(k-1)), B(0) = 1, then
    C = N·B / (N - A·(1 - B)): no factorials, so it stays finite for thousands of agents.
    """
    _check_non_negative("agents", agents)
    _check_non_negative("traffic_erlangs", traffic_erlangs)
    if traffic_erlangs == 0:
        return 0.0
    if agents <= traffic_erlangs:
        return 1.0  # the queue grows without end: every call waits
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic_erlangs * blocking / (k + traffic_erlangs * blocking)
    return agents * blocking / (agents - traffic_erlangs * (1 - blocking))


def traffic(calls: float, interval_s: float, aht_s: float) -> float:
    """Return the offered traffic in Erlangs: calls × AHT / interval length."""
    _check_non_negative("calls", calls)
    _check_non_negative("aht_s", aht_s)
    _check_positive("interval_s", interval_s)
    return calls * aht_s / interval_s


def service_level(
    agents: int, calls: float, interval_s: float, aht_s: float, target_s: float
) -> float:
    """Return the fraction of calls answered within target_s: 1 - C·e^(-(N-A)·T/AHT)."""
    _check_non_negative("target_s", target_s)
    load = traffic(calls, interval_s, aht_s)
    if load == 0:
        return 1.0
    if agents <= load:
        return 0.0
    wait = erlang_c(agents, load)
    return 1.0 - wait * math.exp(-(agents - load) * target_s / aht_s)


def average_speed_of_answer(agents: int, calls: float, interval_s: float, aht_s: float) -> float:
    """Return the average wait in seconds over all calls: C·AHT / (N - A); inf if N <= A."""
    load = traffic(calls, interval_s, aht_s)
    if load == 0:
        return 0.0
    if agents <= load:
        return math.inf
    return erlang_c(agents, load) * aht_s / (agents - load)


def occupancy(agents: int, calls: float, interval_s: float, aht_s: float) -> float:
    """Return the fraction of the agents' time on calls: A / N, at most 1."""
    load = traffic(calls, interval_s, aht_s)
    if load == 0:
        return 0.0
    return 1.0 if agents <= load else load / agents


def agents_needed(
    calls: float,
    interval_s: float,
    aht_s: float,
    target_sl: float,
    target_s: float,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
) -> Staffing:
    """Return the fewest agents meeting target_sl within target_s, then shrinkage on top."""
    check_goal(target_sl, target_s, shrinkage, max_occupancy)
    load = traffic(calls, interval_s, aht_s)
    if load == 0:
        return Staffing(0, 0, 1.0, 0.0, 0.0)
    agents = math.floor(load) + 1
    while service_level(agents, calls, interval_s, aht_s, target_s) < target_sl:
        agents += 1
    if max_occupancy is not None:
        agents = max(agents, _ceil(load / max_occupancy))
    return Staffing(
        agents=agents,
        scheduled=_ceil(agents / (1 - shrinkage)),
        service_level=service_level(agents, calls, interval_s, aht_s, target_s),
        asa=average_speed_of_answer(agents, calls, interval_s, aht_s),
        occupancy=occupancy(agents, calls, interval_s, aht_s),
    )


def check_goal(
    target_sl: float, target_s: float, shrinkage: float, max_occupancy: float | None
) -> None:
    """Raise ValueError naming the first goal argument out of its range."""
    _check_fraction("target_sl", target_sl)
    _check_non_negative("target_s", target_s)
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be in [0, 1), not {shrinkage!r}")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError(f"max_occupancy must be in (0, 1], not {max_occupancy!r}")


def arrivals_per_interval(
    rows: Iterable[CdrRow],
    tz: str,
    weekday: int,
    weeks: int,
    now: float,
    interval_minutes: int = 30,
) -> dict[str, float]:
    """Return the average calls per interval ("HH:MM") of weekday over the last weeks.

    weekday is `datetime.weekday()` (0 = Monday); only whole past days count, so today
    is left out.  Every row counts as an offered call, whatever its outcome.
    """
    counts = dict.fromkeys(interval_starts(interval_minutes), 0.0)
    for row in _rows_on(rows, tz, weekday, weeks, now):
        counts[_slot(row, tz, interval_minutes)] += 1
    return {start: count / weeks for start, count in counts.items()}


def aht_per_interval(
    rows: Iterable[CdrRow],
    tz: str,
    weekday: int,
    weeks: int,
    now: float,
    interval_minutes: int = 30,
) -> dict[str, float | None]:
    """Return the average handle time per interval of weekday's answered calls.

    An interval with no answered call gets the whole range's AHT (None if none at all).
    """
    answered = [
        row
        for row in _rows_on(rows, tz, weekday, weeks, now)
        if row.get("outcome") == Outcome.ANSWERED
    ]
    handles: dict[str, list[float]] = {start: [] for start in interval_starts(interval_minutes)}
    for row in answered:
        handles[_slot(row, tz, interval_minutes)].append(handle_seconds(row))
    overall = _mean([handle_seconds(row) for row in answered])
    return {start: _mean(values) if values else overall for start, values in handles.items()}


def forecast(
    rows: Iterable[CdrRow],
    tz: str,
    weekday: int,
    now: float,
    *,
    weeks: int = 4,
    interval_minutes: int = 30,
    target_sl: float = 0.8,
    target_s: float = 20.0,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
) -> list[Interval]:
    """Return weekday's intervals: expected calls, AHT and agents needed."""
    check_goal(target_sl, target_s, shrinkage, max_occupancy)  # even with no calls to staff
    rows = list(rows)
    calls = arrivals_per_interval(rows, tz, weekday, weeks, now, interval_minutes)
    ahts = aht_per_interval(rows, tz, weekday, weeks, now, interval_minutes)
    interval_s = interval_minutes * 60.0

    def staffing(start: str) -> Staffing | None:
        aht = ahts[start]
        if aht is None:
            return None if calls[start] else Staffing(0, 0, 1.0, 0.0, 0.0)
        return agents_needed(
            calls[start], interval_s, aht, target_sl, target_s, shrinkage, max_occupancy
        )

    return [Interval(start, calls[start], ahts[start], staffing(start)) for start in calls]


def handle_seconds(row: CdrRow) -> float:
    """Return a call's handle time: talk + hold + wrap-up, of the fields the row has."""
    return sum(float(row.get(field) or 0.0) for field in HANDLE_FIELDS)


def interval_starts(interval_minutes: int) -> list[str]:
    """Return the "HH:MM" starts of a day's intervals."""
    if interval_minutes <= 0 or (24 * 60) % interval_minutes:
        raise ValueError(f"interval_minutes must divide a day, not {interval_minutes!r}")
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, interval_minutes)]


def past_days(tz: str, weekday: int, weeks: int, now: float) -> list[date]:
    """Return the last weeks dates on weekday before now's local date, newest first."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6, not {weekday!r}")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks!r}")
    today = datetime.fromtimestamp(now, ZoneInfo(tz)).date()
    latest = today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    return [latest - timedelta(weeks=n) for n in range(weeks)]


def _rows_on(rows: Iterable[CdrRow], tz: str, weekday: int, weeks: int, now: float) -> list[CdrRow]:
    """Return the rows that started on one of the past days (local midnight to midnight)."""
    zone = ZoneInfo(tz)
    # Local midnights through ZoneInfo: a day is 23 or 25 hours long when the clocks change.
    bounds = [
        (
            datetime.combine(day, time(0), zone).timestamp(),
            datetime.combine(day + timedelta(days=1), time(0), zone).timestamp(),
        )
        for day in past_days(tz, weekday, weeks, now)
    ]
    return [row for row in rows if any(s <= float(row["started_at"]) < e for s, e in bounds)]


def _slot(row: CdrRow, tz: str, interval_minutes: int) -> str:
    """Return the "HH:MM" start of the local interval a row started in."""
    local = datetime.fromtimestamp(float(row["started_at"]), ZoneInfo(tz))
    minutes = (local.hour * 60 + local.minute) // interval_minutes * interval_minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _mean(values: list[float]) -> float | None:
    """Return the mean of values, None when there are none."""
    return sum(values) / len(values) if values else None


def _ceil(value: float) -> int:
    """Return value rounded up, ignoring float noise below _EPSILON."""
    return math.ceil(value - _EPSILON)


def _check_non_negative(name: str, value: float) -> None:
    """Raise ValueError naming the argument when value is negative or not a number."""
    if not value >= 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")


def _check_positive(name: str, value: float) -> None:
    """Raise ValueError naming the argument when value is not above zero."""
    if not value > 0:
        raise ValueError(f"{name} must be above 0, not {value!r}")


def _check_fraction(name: str, value: float) -> None:
    """Raise ValueError naming the argument when value is not in (0, 1)."""
    if not 0 < value < 1:
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), not {value!r}")
