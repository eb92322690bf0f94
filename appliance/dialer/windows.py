"""Calling windows: the hours a campaign may ring a contact, on the contact's own clock.

A window is weekly ranges (the business-hours JSON form, {"mon": ["09:00-20:00"]})
and the holiday dates of a business-hours schedule, closed all day.  A contact's
zones come from its own time zone or, without one, from its number
(`phonenumbers.timezone`); a number spanning several zones (a US mobile) is rung
only when the window is open in every one of them, so no contact is ever called
outside the window, whichever zone it is really in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import timezone as number_zones

from appliance.callflow.hours import Hours, Schedule, is_open, next_change
from appliance.callflow.hours_schema import parse_schedule

UNKNOWN_ZONE = "Etc/Unknown"
MAX_HOPS = 64  # next_open's bound on jumps between zones' openings


@dataclass(frozen=True)
class CallingWindow:
    """Weekly calling hours and closed holiday dates, applied on each contact's clock."""

    weekly: Mapping[int, Hours]
    holidays: frozenset[date] = frozenset()
    _schedules: dict[str, Schedule] = field(default_factory=dict, compare=False, repr=False)

    def schedule(self, zone: str) -> Schedule:
        """Return the window as a business-hours schedule on a zone's wall clock."""
        if zone not in self._schedules:
            closed: dict[date, Hours] = {day: () for day in self.holidays}
            self._schedules[zone] = Schedule(f"window@{zone}", zone, dict(self.weekly), closed)
        return self._schedules[zone]

    def is_open(self, zones: tuple[str, ...], at: float) -> bool:
        """Return true if the window is open at `at` in every one of the zones."""
        return all(is_open(self.schedule(zone), at) for zone in zones)

    def next_open(self, zones: tuple[str, ...], at: float) -> float | None:
        """Return the first moment from `at` when the window is open in every zone, or None."""
        moment = at
        for _ in range(MAX_HOPS):
            closed = [zone for zone in zones if not is_open(self.schedule(zone), moment)]
            if not closed:
                return moment
            opens = [next_change(self.schedule(zone), moment) for zone in closed]
            if any(when is None for when in opens):
                return None
            moment = max(when.timestamp() for when in opens if when is not None)
        return None


def parse_window(
    weekly: Mapping[str, Any], holidays: frozenset[date] = frozenset()
) -> CallingWindow:
    """Return a window from {"mon": ["09:00-20:00"], ...}; raise ValueError naming the field."""
    try:
        schedule = parse_schedule({"name": "window", "timezone": "UTC", "weekly": dict(weekly)})
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    return CallingWindow(schedule.weekly, holidays)


@lru_cache(maxsize=8192)
def zones_for_number(number: str, fallback: str) -> tuple[str, ...]:
    """Return the time zones an E.164 number may ring in; `fallback` when it tells none."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return (fallback,)
    zones = tuple(z for z in number_zones.time_zones_for_number(parsed) if z != UNKNOWN_ZONE)
    return zones or (fallback,)


def contact_zones(timezone: str, number: str, fallback: str) -> tuple[str, ...]:
    """Return the contact's own zone when it has one, else the zones of its number."""
    return (timezone,) if timezone else zones_for_number(number, fallback)
