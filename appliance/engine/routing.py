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

from appliance.callflow.routing import reroute_waiting, route
from appliance.callflow.rules import Decision

if TYPE_CHECKING:
    from appliance.callflow.acd import Waiting
    from appliance.engine.reactor import Timer
    from appliance.engine.session import CallSession
    from appliance.engine.switchboard import Switchboard

RECHECK_SECONDS = 5.0  # how often the rules look again at callers already waiting


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
    decision = route(acd, name, session.known_as, now, local_clock(now, board.settings.timezone))
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


class RuleChecker:
    """Apply queue rules to waiting callers every few seconds (engine thread)."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._timer: Timer | None = None

    def start(self) -> None:
        """Check periodically from now on (once; calling again changes nothing)."""
        if self._timer is None:
            self._timer = self.board.reactor.call_later(RECHECK_SECONDS, self._check)

    def _check(self) -> None:
        """Move the callers the rules now send elsewhere, then check again later."""
        now = time.time()
        clock = local_clock(now, self.board.settings.timezone)
        try:
            reroute_waiting(self.board.acd, now, clock, self._move)
        finally:
            self._timer = self.board.reactor.call_later(RECHECK_SECONDS, self._check)

    def _move(self, entry: Waiting, decision: Decision) -> None:
        """Take a waiting caller out of line and send them where the rules say."""
        session = self.board.sessions.get(entry.call_id)
        if session is None or session.state != "queued":
            return  # e.g. a callback kept in line without a live caller
        to = f"ivr:{decision.ivr}" if decision.ivr else f"queue:{decision.queue}"
        labels = [label for _, label in decision.hops]
        data = {"queue": entry.queue, "to": to, "rules": labels, "while_waiting": True}
        self.board.emit(session, "queue.routed", data)
        if decision.priority is not None:
            session.priority = max(session.priority, decision.priority)
        self.board.desk.leave_queue(session, "routed")
        session.cancel_timers()
        if decision.ivr and session.run is not None:
            session.state, session.queue = "ivr", None
            self.board.ivr.follow(session, lambda run: run.goto(str(decision.ivr)))
        elif decision.queue:
            self.board.desk.enter_queue(session, decision.queue)
