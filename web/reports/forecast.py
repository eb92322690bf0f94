"""The staffing forecast page: its form, and its chart from Erlang C and the state events.

Agents needed come from `appliance.callflow.staffing.forecast` fed as `callbox
forecast` feeds it (appliance/forecast_report.py): the queue's same weekday over the
last WEEKS weeks.  Agents logged in (the queue's members) come from
`appliance.reports.presence`, for today up to now and for past days.
"""

from __future__ import annotations

import time as clock
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from appliance import forecast_report
from appliance.callflow import staffing
from appliance.reports import presence
from appliance.store.models import Agent, Queue, QueueMember
from web.i18n import _
from web.i18n import lazy_gettext as _l

WEEKS = 4
INTERVAL_MINUTES = 30
DEFAULTS = {"level": "80", "seconds": "20", "shrinkage": "30"}
LABELS = {
    "queue": _l("Queue"),
    "day": _l("Day"),
    "level": _l("Service level %"),
    "seconds": _l("Answered within (s)"),
    "shrinkage": _l("Shrinkage %"),
}
FIELDS = tuple(LABELS)


@dataclass(frozen=True)
class Goal:
    """What to forecast: a queue's day and the service level to reach."""

    queue: str
    day: date
    level: int  # percent answered within seconds
    seconds: int
    shrinkage: int  # percent of paid time agents are not on the phones


@dataclass(frozen=True)
class ForecastForm:
    """What the forecast form said: the text typed, the errors by field, the goal if valid."""

    raw: dict[str, str]
    errors: dict[str, str]
    goal: Goal | None


def read_form(
    args: Mapping[str, Any], today: date, queues: Sequence[tuple[str, str]]
) -> ForecastForm:
    """Return the forecast form of the URL arguments (defaults: first queue, tomorrow)."""
    raw = {name: str(args.get(name) or "").strip() for name in FIELDS}
    raw["queue"] = raw["queue"] or (queues[0][0] if queues else "")
    raw["day"] = raw["day"] or (today + timedelta(days=1)).isoformat()
    raw.update({k: raw[k] or v for k, v in DEFAULTS.items()})
    errors: dict[str, str] = {}
    if raw["queue"] not in [name for name, _title in queues]:
        errors["queue"] = _("Choose a queue.") if queues else _("No queues are set up.")
    try:
        day = date.fromisoformat(raw["day"])
    except ValueError:
        errors["day"] = _("Enter a date as YYYY-MM-DD.")
    numbers = {k: _whole(raw, k, low, high, errors) for k, low, high in
               (("level", 1, 99), ("seconds", 1, 3600), ("shrinkage", 0, 90))}  # fmt: skip
    if errors:
        return ForecastForm(raw, errors, None)
    return ForecastForm(raw, errors, Goal(raw["queue"], day, **numbers))


def _whole(raw: Mapping[str, str], name: str, low: int, high: int, errors: dict[str, str]) -> int:
    """Return a whole number field within [low, high], or 0 with its error noted."""
    text = raw[name]
    if not text.isdigit() or not low <= int(text) <= high:
        errors[name] = _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
        return 0
    return int(text)


def chart(goal: Goal, timezone: str, now: float | None = None) -> dict[str, Any]:
    """Return the chart's data: per interval the calls expected, agents needed, logged in."""
    now = clock.time() if now is None else now
    queue = Queue.get(Queue.name == goal.queue)
    start = datetime.combine(goal.day, datetime.min.time())
    _day, history_end = forecast_report.forecast_day(start, timezone)
    history = forecast_report.queue_history(queue, history_end, WEEKS)
    intervals = staffing.forecast(
        history, timezone, goal.day.weekday(), history_end, weeks=WEEKS,
        interval_minutes=INTERVAL_MINUTES, target_sl=goal.level / 100,
        target_s=float(goal.seconds), shrinkage=goal.shrinkage / 100,
    )  # fmt: skip
    starts = [i.start for i in intervals]
    members = [m.agent.extension for m in QueueMember.select(QueueMember, Agent).join(Agent)
               .where(QueueMember.queue == queue)]  # fmt: skip
    return {
        "starts": starts,
        "calls": [round(i.calls, 1) for i in intervals],
        "needed": [i.staffing.scheduled if i.staffing else None for i in intervals],
        "on_phones": [i.staffing.agents if i.staffing else None for i in intervals],
        "logged_in": presence.logged_in_per_interval(members, goal.day, starts, timezone, now),
        "labels": {
            "needed": _("Agents to schedule (with shrinkage)"),
            "logged_in": _("Agents logged in"),
        },
    }
