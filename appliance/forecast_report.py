"""The `callbox forecast` report: a queue's CDR history from the store, as a table.

The forecast itself is pure (`appliance/callflow/staffing.py`); this module reads the
store and formats what the command prints.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from appliance.callflow.staffing import Interval
from appliance.store.models import Cdr, Queue


def forecast_day(day: datetime | None, timezone: str) -> tuple[date, float]:
    """Return the day to forecast and the moment its history ends (today or that day)."""
    zone = ZoneInfo(timezone)
    today = datetime.now(zone).date()
    target = day.date() if day else today + timedelta(days=1)
    # History is whole past days: before today, or before a past day asked for.
    end = min(today, target)
    return target, datetime.combine(end, time(0), zone).timestamp()


def queue_history(queue: Queue, now: float, weeks: int) -> list[dict[str, Any]]:
    """Return the queue's CDR rows of the last weeks, with its wrap-up on answered calls."""
    since = now - (weeks + 1) * 7 * 86400
    query = Cdr.select().where((Cdr.queue == queue.name) & (Cdr.started_at >= since))
    # A CDR's wrap-up is filled in by the rollup rebuild; until then (0) the queue's
    # fixed wrap-up stands for it.  Hold is apart from talk since migration 20.
    return [
        {
            "started_at": cdr.started_at,
            "outcome": cdr.outcome,
            "talk_seconds": cdr.talk_seconds,
            "hold_seconds": cdr.hold_seconds,
            "wrap_up_seconds": cdr.wrap_up_seconds or queue.wrap_up_seconds,
        }
        for cdr in query
    ]


def forecast_text(
    queue: Queue, day: date, weeks: int, level: float, shrinkage: float, intervals: list[Interval]
) -> str:
    """Return the forecast as printed: a heading and one line per interval with calls."""
    lines = [
        f"{queue.name} on {day:%a %Y-%m-%d}: {level:g} % within {queue.service_level_seconds} s, "
        f"shrinkage {shrinkage:g} %, from the last {weeks} {day:%A}s",
        "start   calls   AHT s  agents  scheduled  SL %  ASA s  occupancy %",
    ]
    for item in intervals:
        if not item.calls:
            continue
        if item.staffing is None:
            lines.append(f"{item.start}  {item.calls:6.1f}       –  (no answered call to time)")
            continue
        s = item.staffing
        lines.append(
            f"{item.start}  {item.calls:6.1f}  {item.aht:6.0f}  {s.agents:6d}  {s.scheduled:9d}"
            f"  {s.service_level * 100:4.0f}  {s.asa:5.0f}  {s.occupancy * 100:11.0f}"
        )
    if len(lines) == 2:
        lines.append(f"no calls on {day:%A}s in the last {weeks} weeks")
    return "\n".join(lines)
