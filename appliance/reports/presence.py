"""How many agents were logged in per interval of a day, from their state events.

The engine records every state change of an agent as a `CallEvent` with call_id ""
and kind ``agent.state`` (leg: the extension, data: ``{"agent", "state", ...}``).
An agent counts as logged in during an interval when their state was anything but
``logged_out`` at some moment of it.  Their state at the day's start is their last
event within LOOKBACK_SECONDS before it, logged out when there is none.  The events
tell only what the engine saw: agents whose state it lost in a stop (no event) stay
as they were last recorded, and a day beyond the events kept shows no one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from appliance.store.models import CallEvent

LOOKBACK_SECONDS = 7 * 86400
LOGGED_OUT = "logged_out"
Change = tuple[float, str]  # (UNIX time, state)


def logged_in_during(changes: Sequence[Change], start: float, end: float) -> bool:
    """Return true when the state changes leave the agent logged in at a moment of [start, end)."""
    before = [state for at, state in changes if at <= start]
    if before and before[-1] != LOGGED_OUT:
        return True
    return any(start < at < end and state != LOGGED_OUT for at, state in changes)


def state_changes(extensions: Iterable[str], start: float, end: float) -> dict[str, list[Change]]:
    """Return each agent's state changes from LOOKBACK_SECONDS before start to end, in order."""
    wanted = list(extensions)
    changes: dict[str, list[Change]] = {ext: [] for ext in wanted}
    query = (
        CallEvent.select(CallEvent.leg, CallEvent.at, CallEvent.data)
        .where(
            CallEvent.call_id == "",
            CallEvent.kind == "agent.state",
            CallEvent.leg.in_(wanted),
            CallEvent.at >= start - LOOKBACK_SECONDS,
            CallEvent.at < end,
        )
        .order_by(CallEvent.at, CallEvent.id)
    )
    for event in query:
        changes[event.leg].append((float(event.at), str((event.data or {}).get("state", ""))))
    return changes


def slot_bounds(day: date, starts: Sequence[str], timezone: str) -> list[tuple[float, float]]:
    """Return the UNIX [start, end) of each "HH:MM" interval of day (the last ends at midnight)."""
    zone = ZoneInfo(timezone)
    moments = [datetime.combine(day, time.fromisoformat(s), zone).timestamp() for s in starts]
    midnight = datetime.combine(day + timedelta(days=1), time(0), zone).timestamp()
    return list(zip(moments, [*moments[1:], midnight], strict=True))


def logged_in_per_interval(
    extensions: Iterable[str], day: date, starts: Sequence[str], timezone: str, now: float
) -> list[int | None]:
    """Return how many of the agents were logged in per interval of day (None from now on)."""
    bounds = slot_bounds(day, starts, timezone)
    changes = state_changes(extensions, bounds[0][0], bounds[-1][1])
    return [
        None
        if start >= now
        else sum(logged_in_during(c, start, min(end, now)) for c in changes.values())
        for start, end in bounds
    ]
