"""Read a business-hours schedule from its JSON form (docs/business-hours.md).

A missing field raises KeyError, a bad value ValueError; both messages name the
schedule and the field, e.g. "schedule 'support': range '25:00-26:00' on mon is not
HH:MM-HH:MM".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.callflow.const import Weekday
from appliance.callflow.hours import Hours, Schedule, TimeRange

DAYS = [day.value for day in Weekday]
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
MAX_HOLIDAY_DAYS = 366  # one entry's date..until; longer is surely a typo


def parse_schedule(spec: Mapping[str, Any]) -> Schedule:
    """Return a schedule from its JSON; raise KeyError or ValueError naming the field."""
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise KeyError(f"a schedule needs a 'name', got {spec.get('name')!r}")
    label = f"schedule {name!r}"
    for required in ("timezone", "weekly"):
        if required not in spec:
            raise KeyError(f"{label}: missing {required!r}")
    weekly = _weekly(label, spec["weekly"])
    return Schedule(
        name,
        _timezone(label, spec["timezone"]),
        weekly,
        _holidays(label, spec.get("holidays") or []),
        _workdays(label, spec.get("workdays") or [], weekly),
    )


def _timezone(label: str, value: Any) -> str:
    """Return an IANA time zone name; raise ValueError if the box does not know it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"{label}: timezone {value!r} is not an IANA time zone") from None
    return str(value)


def _weekly(label: str, value: Any) -> dict[int, Hours]:
    """Return the weekly hours by weekday number from {"mon": [ranges], ...}."""
    if not isinstance(value, dict):
        raise ValueError(f"{label}: weekly must be an object of day: [ranges], got {value!r}")
    weekly = {}
    for day, ranges in value.items():
        if day not in DAYS:
            raise ValueError(f"{label}: weekly day {day!r} is not one of {', '.join(DAYS)}")
        weekly[DAYS.index(day)] = _hours(label, day, ranges)
    return weekly


def _holidays(label: str, value: Any) -> dict[date, Hours]:
    """Return holiday hours by date from a list of dates or {date, until, hours, name}."""
    holidays: dict[date, Hours] = {}
    for entry in _entries(label, "holidays", value):
        first = _date(label, "holiday", entry["date"])
        last = _date(label, "holiday", entry.get("until", entry["date"]))
        if not first <= last <= first + timedelta(days=MAX_HOLIDAY_DAYS):
            raise ValueError(f"{label}: holiday {first}..{last} must run forward, at most a year")
        hours = _hours(label, f"holiday {first}", entry.get("hours", []))
        for offset in range((last - first).days + 1):
            _add_once(label, "holiday", holidays, first + timedelta(days=offset), hours)
    return holidays


def _workdays(label: str, value: Any, weekly: dict[int, Hours]) -> dict[date, Hours]:
    """Return worked days (调休) by date from a list of {date, like: "mon"} or {date, hours}."""
    workdays: dict[date, Hours] = {}
    for entry in _entries(label, "workdays", value):
        day = _date(label, "workday", entry["date"])
        if ("like" in entry) == ("hours" in entry):
            raise ValueError(f"{label}: workday {day} needs 'like' (a weekday) or 'hours'")
        if "hours" in entry:
            hours = _hours(label, f"workday {day}", entry["hours"])
        elif entry["like"] not in DAYS:
            raise ValueError(f"{label}: workday {day} like {entry['like']!r} is not a weekday")
        else:
            hours = weekly.get(DAYS.index(entry["like"]), ())
        if not hours:
            raise ValueError(f"{label}: workday {day} would have no hours")
        _add_once(label, "workday", workdays, day, hours)
    return workdays


def _entries(label: str, field: str, value: Any) -> list[dict[str, Any]]:
    """Return a list's entries as objects with a 'date' (a bare string is the date)."""
    if not isinstance(value, list):
        raise ValueError(f"{label}: {field} must be a list, got {value!r}")
    entries = [{"date": e} if isinstance(e, str) else e for e in value]
    for entry in entries:
        if not isinstance(entry, dict) or "date" not in entry:
            raise KeyError(f"{label}: an entry of {field} has no 'date': {entry!r}")
    return entries


def _add_once(label: str, kind: str, days: dict[date, Hours], day: date, hours: Hours) -> None:
    """Set a day's hours; raise ValueError if the day is already listed."""
    if day in days:
        raise ValueError(f"{label}: {kind} {day} is listed twice")
    days[day] = hours


def _date(label: str, kind: str, value: Any) -> date:
    """Return a date from "YYYY-MM-DD"."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{label}: {kind} date {value!r} is not YYYY-MM-DD") from None


def _hours(label: str, where: str, value: Any) -> Hours:
    """Return ranges from ["HH:MM-HH:MM", ...]; an end not after its start is overnight."""
    if not isinstance(value, list):
        raise ValueError(
            f"{label}: hours on {where} must be a list of 'HH:MM-HH:MM', got {value!r}"
        )
    return tuple(_range(label, where, text) for text in value)


def _range(label: str, where: str, text: Any) -> TimeRange:
    """Return one range from "HH:MM-HH:MM" (24:00 only as an end)."""
    parts = text.split("-") if isinstance(text, str) else []
    start = _minute(parts[0]) if len(parts) == 2 else None
    end = _minute(parts[1]) if len(parts) == 2 else None
    if start is None or end is None or start == 24 * 60:
        raise ValueError(f"{label}: range {text!r} on {where} is not HH:MM-HH:MM")
    if start == end:
        raise ValueError(f"{label}: range {text!r} on {where} is empty (for all day: 00:00-24:00)")
    return TimeRange(start, end)


def _minute(text: str) -> int | None:
    """Return minutes after midnight of "HH:MM" (00:00 to 24:00), None if it is not one."""
    match = CLOCK.match(text.strip())
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours * 60 + minutes > 24 * 60:
        return None
    return hours * 60 + minutes
