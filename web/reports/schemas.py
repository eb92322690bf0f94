"""The report filter as typed in the page's form: read, checked, turned into a ReportFilter.

Dates are days in the box's time zone, both ends included; the report covers local
midnight of the first day to local midnight after the last.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from appliance.callflow.metrics import QueueStats
from appliance.reports.queries import ReportFilter
from web.i18n import _
from web.i18n import lazy_gettext as _l

MAX_DAYS = 400  # a year and a bit: a report compares this year's month with last year's
FIELDS = ("from", "to", "queue", "agent", "direction", "outcome", "number", "period")
NUMBER = re.compile(r"^[0-9+*#]{1,32}$")
DIRECTIONS = {"inbound": _l("Inbound"), "outbound": _l("Outbound"), "internal": _l("Internal")}
OUTCOMES = {
    "answered": _l("Answered"),
    "abandoned": _l("Abandoned"),
    "voicemail": _l("Voicemail"),
    "callback": _l("Callback"),
    "forwarded": _l("Forwarded"),
    "failed": _l("Failed"),
    "interrupted": _l("Interrupted"),
}
PERIODS = {"hour": _l("Hour"), "day": _l("Day"), "week": _l("Week"), "month": _l("Month")}


@dataclass(frozen=True)
class FilterForm:
    """What the filter form said: the text typed, the errors by field, the filter if valid."""

    raw: dict[str, str]
    errors: dict[str, str]
    report: ReportFilter | None
    period: str
    page: int

    def query(self, **extra: Any) -> dict[str, str]:
        """Return the typed filter as URL arguments (for exports and paging links)."""
        return {**{k: v for k, v in self.raw.items() if v}, **extra}


def read_filter(
    args: Mapping[str, Any],
    timezone: str,
    today: date,
    choices: Mapping[str, Collection[str]],
) -> FilterForm:
    """Return the filter of the URL arguments (choices: the known queues and agents)."""
    raw = {name: str(args.get(name) or "").strip() for name in FIELDS}
    raw["from"] = raw["from"] or today.isoformat()
    raw["to"] = raw["to"] or raw["from"]
    raw["period"] = raw["period"] or "hour"
    errors: dict[str, str] = {}
    first, last = _day(raw, "from", errors), _day(raw, "to", errors)
    if first and last:
        _check_range(first, last, errors)
    _check_choices(raw, {**choices, "direction": DIRECTIONS, "outcome": OUTCOMES,
                         "period": PERIODS}, errors)  # fmt: skip
    if raw["number"] and not NUMBER.match(raw["number"]):
        errors["number"] = _("Digits, +, * and # only (at most 32).")
    report = None
    if not errors and first and last:
        report = ReportFilter(
            start=local_midnight(first, timezone),
            end=local_midnight(last + timedelta(days=1), timezone),
            **{k: raw[k] for k in ("queue", "agent", "direction", "outcome", "number")},
        )
    return FilterForm(raw, errors, report, raw["period"], page_number(args.get("page")))


def _day(raw: Mapping[str, str], name: str, errors: dict[str, str]) -> date | None:
    """Return the date typed in a field, or None with its error noted."""
    try:
        return date.fromisoformat(raw[name])
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD.")
        return None


def _check_range(first: date, last: date, errors: dict[str, str]) -> None:
    """Note an error when the range runs backwards or is too long."""
    if last < first:
        errors["to"] = _("The last day is before the first.")
    elif (last - first).days + 1 > MAX_DAYS:
        errors["to"] = _("At most %(days)d days at a time.", days=MAX_DAYS)


def _check_choices(
    raw: Mapping[str, str], choices: Mapping[str, Collection[str]], errors: dict[str, str]
) -> None:
    """Note an error for each choice field holding a value not offered."""
    for name, allowed in choices.items():
        if raw.get(name) and raw[name] not in allowed:
            errors[name] = _("Choose one of the list.")


def page_number(text: Any) -> int:
    """Return a page number from the URL (1 when missing or not a number)."""
    try:
        return max(1, int(str(text)))
    except ValueError:
        return 1


def local_midnight(day: date, timezone: str) -> float:
    """Return the UNIX time of the day's start in timezone."""
    return datetime.combine(day, time(0), ZoneInfo(timezone)).timestamp()


def figure(value: Any) -> str:
    """Return a figure as the page shows it: – for none, one decimal for times and percents."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def charts(periods: Mapping[str, QueueStats], outcomes: Mapping[str, int]) -> dict[str, Any]:
    """Return the charts' data: calls and service level per period, calls per outcome."""
    return {
        "periods": list(periods),
        "answered": [s.answered for s in periods.values()],
        "abandoned": [s.abandoned for s in periods.values()],
        "service_level": [s.service_level for s in periods.values()],
        "outcomes": [str(OUTCOMES.get(k, k)) for k in outcomes],
        "outcome_keys": list(outcomes),
        "outcome_counts": list(outcomes.values()),
        "labels": {
            "answered": _("Answered"),
            "abandoned": _("Abandoned"),
            "service_level": _("Service level %"),
        },
    }
