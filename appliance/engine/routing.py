"""Routing at queue entry, for the switchboard: rules, region groups and VIP tiers.

The decision is the ACD's (`appliance.callflow.routing`); this module applies it
to a call: the priority, an event saying where the rules sent the caller, an IVR
node to continue at, and timers to serve the queue again when waiting widens
the caller's options (skill requirements relaxed, a busy preferred agent let go).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.callflow.routing import route

if TYPE_CHECKING:
    from appliance.engine.session import CallSession
    from appliance.engine.switchboard import Switchboard


def local_clock(now: float, timezone: str) -> datetime:
    """Return the box's local time (UTC if the zone is unknown)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.fromtimestamp(now, zone)


def route_caller(board: Switchboard, session: CallSession, name: str) -> str | None:
    """Return the queue a caller entering `name` joins, or None if sent to an IVR node."""
    acd = board.acd
    if name not in acd.queues:
        return name  # enter_queue refuses it
    now = time.time()
    decision = route(acd, name, session.from_number, now, local_clock(now, board.settings.timezone))
    if decision.priority is not None:
        session.priority = max(session.priority, decision.priority)
    if decision.hops:
        to = f"ivr:{decision.ivr}" if decision.ivr else f"queue:{decision.queue}"
        data = {"queue": name, "to": to, "rules": [label for _, label in decision.hops]}
        board.emit(session, "queue.routed", data)
    if decision.ivr:
        if session.run is None:  # a number routed straight to the queue has no flow
            board.end_call(session, "system", f"routed to IVR node {decision.ivr!r} without a flow")
            return None
        session.state, session.queue = "ivr", None
        board.ivr.follow(session, lambda run: run.goto(decision.ivr))
        return None
    for delay in acd.wake_delays(decision.queue):
        session.timers.append(board.reactor.call_later(delay, board.desk.dispatch))
    return decision.queue
