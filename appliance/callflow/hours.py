"""Business hours: weekly ranges, holidays and worked weekend days (调休), per time zone.

A moment is judged on the schedule's own wall clock, whatever the box's zone.  The
hours of a day come from, in order: a workday override (调休: a weekend worked like a
weekday), a holiday (closed, or its own hours such as a half day), the weekly hours.
A range whose end is not after its start runs overnight and belongs to the day it
starts on, so a holiday closes the night that starts on it, not the one that ends on it.
The JSON form is read by `appliance.callflow.hours_schema` (docs/business-hours.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60
HORIZON_DAYS = 731  # next_change looks this far ahead before giving up


@dataclass(frozen=True)
class TimeRange:
    """Open from `start` to `end`, minutes after midnight; an end before the start is overnight."""

    start: int
    end: int

    @property
    def close(self) -> int:
        """Return the closing minute counted from the midnight of the day it starts on."""
        return self.end if self.end > self.start else self.end + DAY_MINUTES


Hours = tuple[TimeRange, ...]


@dataclass(frozen=True)
class Schedule:
    """When a schedule is open: weekly hours, holidays and workday overrides."""

    name: str
    timezone: str  # IANA name, e.g. Asia/Shanghai
    weekly: dict[int, Hours] = field(default_factory=dict)  # date.weekday() -> hours
    holidays: dict[date, Hours] = field(default_factory=dict)  # () closed, else their own hours
    workdays: dict[date, Hours] = field(default_factory=dict)  # 调休: worked with these hours

    @property
    def zone(self) -> ZoneInfo:
        """Return the schedule's time zone."""
        return ZoneInfo(self.timezone)


def hours_on(schedule: Schedule, day: date) -> Hours:
    """Return the ranges starting on a day: workday override, else holiday, else weekly."""
    if day in schedule.workdays:
        return schedule.workdays[day]
    if day in schedule.holidays:
        return schedule.holidays[day]
    return schedule.weekly.get(day.weekday(), ())


def local_time(schedule: Schedule, at: datetime | float) -> datetime:
    """Return `at` (an aware datetime or a UNIX time) on the schedule's wall clock."""
    if isinstance(at, datetime):
        if at.utcoffset() is None:
            raise ValueError(f"schedule {schedule.name!r}: {at} has no time zone")
        return at.astimezone(schedule.zone)
    return datetime.fromtimestamp(at, schedule.zone)


def is_open(schedule: Schedule, at: datetime | float) -> bool:
    """Return true if the schedule is open at a moment."""
    local = local_time(schedule, at)
    second = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    today = hours_on(schedule, local.date())
    if any(r.start * 60 <= second < min(r.close, DAY_MINUTES) * 60 for r in today):
        return True
    yesterday = hours_on(schedule, local.date() - timedelta(days=1))
    return any(second < (r.close - DAY_MINUTES) * 60 for r in yesterday)


def is_holiday(schedule: Schedule, at: datetime | float) -> bool:
    """Return true if `at` falls on a holiday of the schedule (not one worked by 调休)."""
    day = local_time(schedule, at).date()
    return day in schedule.holidays and day not in schedule.workdays


def next_change(
    schedule: Schedule, at: datetime | float, horizon_days: int = HORIZON_DAYS
) -> datetime | None:
    """Return when the schedule next opens or closes after `at`, on its wall clock.

    None when nothing changes within `horizon_days` (always open, or never).
    """
    local = local_time(schedule, at)
    now, was_open = local.timestamp(), is_open(schedule, local)
    span = 8
    while True:
        limit = _midnight(schedule, local.date() + timedelta(days=span))
        for moment in _boundaries(schedule, local.date(), span):
            if now < moment < limit and is_open(schedule, moment) != was_open:
                return datetime.fromtimestamp(moment, schedule.zone)
        if span >= horizon_days:
            return None
        span = min(span * 4, horizon_days)


def _boundaries(schedule: Schedule, first: date, days: int) -> list[float]:
    """Return the instants where opening may change, from the day before `first` on, sorted.

    They are every range's start and close (both readings of a wall time a DST change
    repeats) and the DST changes themselves, where the wall clock may jump into a range.
    """
    moments: set[float] = set()
    for offset in range(-1, days + 1):
        day = first + timedelta(days=offset)
        for r in hours_on(schedule, day):
            for minute in (r.start, r.close):
                wall = datetime.combine(day, time()) + timedelta(minutes=minute)
                for fold in (0, 1):
                    moments.add(wall.replace(tzinfo=schedule.zone, fold=fold).timestamp())
        moments.update(_offset_changes(schedule.zone, day))
    return sorted(moments)


def _offset_changes(zone: ZoneInfo, day: date) -> list[float]:
    """Return the instant within a local day where the zone's UTC offset changes, if any."""
    low = int(datetime.combine(day, time(), zone).timestamp())
    high = low + 26 * 3600  # past the next midnight even on a 25-hour day
    if _offset(zone, low) == _offset(zone, high):
        return []
    while high - low > 1:  # the offset at `low` is the old one, at `high` the new one
        middle = (low + high) // 2
        low, high = (middle, high) if _offset(zone, middle) == _offset(zone, low) else (low, middle)
    return [float(high)]


def _offset(zone: ZoneInfo, moment: int) -> timedelta | None:
    """Return the zone's UTC offset at a UNIX time."""
    return datetime.fromtimestamp(moment, zone).utcoffset()


def _midnight(schedule: Schedule, day: date) -> float:
    """Return the UNIX time of a day's start on the schedule's wall clock."""
    return datetime.combine(day, time(), schedule.zone).timestamp()
