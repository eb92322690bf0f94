"""When a scheduled report is due, and which days it covers (pure, in the box's time zone).

A schedule runs daily, weekly (on a weekday) or monthly (on a day 1..28) at "HH:MM".
It is due when its latest planned moment at or before now is after its last run (or
its creation): a box that was off over several planned moments sends one report when
it is back, not one per moment missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RANGES = ("yesterday", "last_week", "last_month")
FREQUENCIES = ("daily", "weekly", "monthly")
FORMATS = ("csv", "xlsx")
PERIOD_OF_RANGE = {"yesterday": "hour", "last_week": "day", "last_month": "day"}


@dataclass(frozen=True)
class Plan:
    """When a schedule runs."""

    frequency: str  # daily | weekly | monthly
    at: str  # "HH:MM"
    weekday: int = 0  # weekly: 0 = Monday
    day_of_month: int = 1  # monthly: 1..28, a day every month has


def latest_moment(plan: Plan, now: float, timezone: str) -> float:
    """Return the UNIX time of the plan's latest moment at or before now."""
    zone = ZoneInfo(timezone)
    local = datetime.fromtimestamp(now, zone)
    at = time.fromisoformat(plan.at)
    day = _latest_day(plan, local.date(), local.time() >= at)
    return datetime.combine(day, at, zone).timestamp()


def _latest_day(plan: Plan, today: date, passed_today: bool) -> date:
    """Return the latest planned day whose moment has come (today's if passed_today)."""
    last = today if passed_today else today - timedelta(days=1)
    if plan.frequency == "daily":
        return last
    if plan.frequency == "weekly":
        return last - timedelta(days=(last.weekday() - plan.weekday) % 7)
    if plan.frequency == "monthly":
        month = last.replace(day=1)
        if last.day < plan.day_of_month:
            month = (month - timedelta(days=1)).replace(day=1)
        return month.replace(day=plan.day_of_month)
    raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}, not {plan.frequency!r}")


def is_due(plan: Plan, last_run: float | None, created: float, now: float, tz: str) -> bool:
    """Return true when the plan's latest moment came after the last run (or creation)."""
    return latest_moment(plan, now, tz) > (last_run if last_run is not None else created)


def report_days(report_range: str, now: float, timezone: str) -> tuple[date, date]:
    """Return the first and last day (both included) a report run at now covers."""
    today = datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
    if report_range == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if report_range == "last_week":
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if report_range == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    raise ValueError(f"report_range must be one of {', '.join(RANGES)}, not {report_range!r}")


def bounds(first: date, last: date, timezone: str) -> tuple[float, float]:
    """Return the UNIX [start, end) of the days first to last in timezone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(0), zone).timestamp()
    return start, datetime.combine(last + timedelta(days=1), time(0), zone).timestamp()
