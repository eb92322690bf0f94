"""Business hours: weekly ranges per day, holidays and worked days (调休), as a form.

The form's text is turned into the schedule's JSON (docs/business-hours.md) and read
back with `hours_schema.parse_schedule`, the engine's own parser, so what the page
accepts is what the engine accepts.  One line per holiday or workday:

- holiday: ``2026-10-01..2026-10-08 National Day`` or ``2026-12-31 09:00-12:00 Half day``
- workday: ``2026-09-27 like mon`` or ``2026-09-27 09:00-18:00``
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from zoneinfo import available_timezones

from appliance.callflow.hours_schema import DAYS, parse_schedule
from appliance.store.models import BusinessHours
from web.admin import usage
from web.admin.areas.base import Area
from web.admin.schemas import NAME, Field, FieldError, FormResult
from web.i18n import _
from web.i18n import lazy_gettext as _l

RANGE = re.compile(r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$")
DAY_LABELS = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"),
              "thu": _l("Thursday"), "fri": _l("Friday"), "sat": _l("Saturday"),
              "sun": _l("Sunday")}  # fmt: skip


def _ranges(text: str) -> list[str]:
    """Return ["09:00-12:00", ...] from "09:00-12:00, 13:30-18:00"."""
    return [r for r in re.split(r"[,\s]+", text.strip()) if r]


def _holiday(line: str) -> dict[str, Any]:
    """Return a holiday entry from "DATE[..UNTIL] [ranges] [name]"."""
    first, *rest = line.split()
    date, _sep, until = first.partition("..")
    entry: dict[str, Any] = {"date": date}
    if until:
        entry["until"] = until
    hours = [w for w in rest if RANGE.match(w)]
    if hours:
        entry["hours"] = hours
    name = " ".join(w for w in rest if not RANGE.match(w))
    if name:
        entry["name"] = name
    return entry


def _workday(line: str) -> dict[str, Any]:
    """Return a workday entry from "DATE like mon" or "DATE ranges"."""
    first, *rest = line.split()
    if len(rest) == 2 and rest[0] == "like":
        return {"date": first, "like": rest[1]}
    if not rest or not all(RANGE.match(w) for w in rest):
        raise FieldError(_("%(line)s: write DATE like mon, or DATE HH:MM-HH:MM.", line=line))
    return {"date": first, "hours": rest}


def _lines(parse: Any) -> Any:
    """Return a check turning each non-empty line with parse."""
    return lambda text: [parse(line) for line in text.splitlines() if line.strip()]


def _timezone(text: str) -> str:
    """Return text if it is an IANA time zone."""
    if text not in available_timezones():
        raise FieldError(_("Not a time zone the box knows, e.g. Asia/Shanghai."))
    return text


class Hours(Area):
    """The business hours area."""

    name = "hours"
    title = _l("Business hours")
    model = BusinessHours
    key_field = "name"
    fields: ClassVar[list[Field]] = [
        Field("name", _l("Name"), required=True, pattern=NAME,
              pattern_message=_l("Lowercase letters, digits, - and _.")),
        Field("timezone", _l("Time zone"), required=True, check=_timezone),
        *(Field(day, DAY_LABELS[day], max_length=200, help=_l("e.g. 09:00-12:00, 13:30-18:00"))
          for day in DAYS),
        Field("holidays", _l("Holidays"), kind="textarea", max_length=5000,
              check=_lines(_holiday),
              help=_l("One per line: 2026-10-01..2026-10-08 National Day, "
                      "or 2026-12-31 09:00-12:00 Half day")),
        Field("workdays", _l("Worked days (调休)"), kind="textarea", max_length=5000,
              check=_lines(_workday),
              help=_l("One per line: 2026-09-27 like mon, or 2026-09-27 09:00-18:00")),
    ]  # fmt: skip
    columns: ClassVar[list[tuple[str, Any]]] = [
        ("name", _l("Name")),
        ("timezone", _l("Time zone")),
        ("mon", _l("Monday")),
        ("sat", _l("Saturday")),
    ]

    def initial(self, obj: Any | None) -> dict[str, str]:
        """Return the schedule as the form's text (Asia/Shanghai for a new one)."""
        if obj is None:
            return {f.name: "" for f in self.fields} | {"timezone": "Asia/Shanghai"}
        return {f.name: self.value_of(obj, f.name) for f in self.fields}

    def value_of(self, obj: Any, name: str) -> Any:
        """Return days, holidays and workdays as text."""
        if name in DAYS:
            return ", ".join((obj.weekly or {}).get(name, []))
        if name == "holidays":
            return "\n".join(_holiday_text(e) for e in obj.holidays or [])
        if name == "workdays":
            return "\n".join(_workday_text(e) for e in obj.workdays or [])
        return super().value_of(obj, name)

    def check(self, result: FormResult, obj: Any | None) -> None:
        """Names are unique; the engine's parser accepts the schedule."""
        values, errors = result.values, result.errors
        self.unique(
            result, obj, "name", _("A schedule named %(name)s exists.", name=values.get("name"))
        )
        if errors:
            return
        try:
            parse_schedule(_spec(values))
        except (KeyError, ValueError) as exc:
            message = str(exc.args[0])
            errors[_field_of(message)] = message
        if obj is not None and values["name"] != obj.name and usage.schedule_users(obj.name):
            users = "; ".join(usage.schedule_users(obj.name))
            errors["name"] = _(
                "Renaming is refused while something uses the schedule: %(users)s.", users=users
            )

    def write(self, obj: Any | None, values: dict[str, Any]) -> Any:
        """Store the schedule's JSON columns."""
        spec = _spec(values)
        return super().write(
            obj, {k: spec[k] for k in ("name", "timezone", "weekly", "holidays", "workdays")}
        )

    def describe_extra(self, obj: Any) -> dict[str, Any]:
        """The columns say it all."""
        return {}

    def in_use(self, obj: Any) -> list[str]:
        """IVR time conditions on this schedule."""
        return usage.schedule_users(obj.name)


def _spec(values: dict[str, Any]) -> dict[str, Any]:
    """Return the schedule's JSON from the form's values."""
    weekly = {day: _ranges(values[day]) for day in DAYS if values.get(day)}
    return {"name": values["name"], "timezone": values["timezone"], "weekly": weekly,
            "holidays": values["holidays"] or [], "workdays": values["workdays"] or []}  # fmt: skip


def _field_of(message: str) -> str:
    """Return the form field a schedule error is about."""
    for day in DAYS:
        if f" on {day}" in message or f"day {day!r}" in message:
            return day
    for word, field in (("holiday", "holidays"), ("workday", "workdays"), ("timezone", "timezone")):
        if word in message:
            return field
    return "name"


def _holiday_text(entry: Any) -> str:
    """Return one holiday as a line of the form."""
    if isinstance(entry, str):
        return entry
    first = entry["date"] + (f"..{entry['until']}" if entry.get("until") else "")
    return " ".join([first, *entry.get("hours", []), entry.get("name", "")]).strip()


def _workday_text(entry: dict[str, Any]) -> str:
    """Return one workday as a line of the form."""
    if "like" in entry:
        return f"{entry['date']} like {entry['like']}"
    return " ".join([entry["date"], *entry.get("hours", [])])
