"""Calls out: a phone dials an outside number, or an agent clicks one (click-to-dial).

A number a phone dials that is neither a feature code, an inbound number, an
extension nor a ring group is a call out.  `outbound_plan.plan_call` decides it first — class of
service, allowed hours, the box's cap — so a refused call never reaches a carrier
(event `outbound.refused`, the phone gets 403).  Allowed, the phone hears ringing while
the route's trunks are tried in order: the next one on a failure reply (5xx, 408, no
dialog), not on busy or a refusal the carrier means.  A trunk at its channel limit, or
a registering trunk not registered now, is skipped without an INVITE.  The phone is
answered when the carrier answers; the maximum call length then ends the call
(`outbound.cut`).

Caller ID goes in P-Asserted-Identity (RFC 3325): the From user stays the trunk
account's (a registering trunk's own user name), as carriers authenticate it.  Runs on
the engine thread.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from appliance.callflow.call_class import ClassOfService, NumberingPlan
from appliance.callflow.dialplan import OutboundRoute
from appliance.callflow.hours import is_open
from appliance.callflow.outbound_plan import Caller, OutboundCall, Refused, plan_call
from appliance.engine.legs import Leg
from appliance.engine.queue_store import TrunkPeer
from appliance.engine.session import CallSession
from appliance.engine.trunk_registration import takes_calls_out

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
ROLE = "outside"
STATE = "calling-out"
DIAL_SECONDS = 60


def fails_over(code: int) -> bool:
    """Return true if a carrier's reply before answer means: try the next trunk."""
    return code == 0 or code == 408 or code >= 500


class DialOut:
    """Calls out through the outbound routes, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._calls: dict[str, tuple[OutboundCall, list[str]]] = {}  # call id -> plan, trunks left
        self._for: dict[str, str] = {}  # call id -> the extension a forwarded call out is for

    def is_call_out(self, number: str) -> bool:
        """Return true if a number a phone dialled is a call out."""
        known = self.board.directory.route(number) or self.board.extensions.is_extension(number)
        return not known

    def plan(self, extension: str, number: str) -> OutboundCall | Refused:
        """Return the decision on a call out by extension (no call is made)."""
        directory, dialing = self.board.directory, self.board.settings.dialing
        caller = directory.callers_out.get(extension) or Caller(extension, ClassOfService())
        peer = directory.outbound
        fallback = OutboundRoute("default", (), (peer.name,)) if peer else None
        return plan_call(
            number,
            caller,
            directory.routes_out,
            NumberingPlan(dialing.region, dialing.area_code),
            self._open_now,
            self.active(),
            dialing.max_outbound_calls,
            fallback,
        )

    def _open_now(self, schedule: str) -> bool:
        """Return true if the named schedule is open now (a missing one is closed)."""
        found = self.board.directory.schedules.get(schedule)
        if found is None:
            log.error("calls out restricted to hours %r: no such schedule", schedule)
            return False
        return is_open(found, time.time())

    def active(self) -> int:
        """Return the calls out in progress (forgetting the finished ones)."""
        for call_id in [c for c in self._calls if c not in self.board.sessions]:
            del self._calls[call_id]
            self._for.pop(call_id, None)
        return len(self._calls)

    def start(self, session: CallSession) -> None:
        """Decide a phone's call out; refuse it, or ring it out on the route's trunks."""
        decision = self.plan(session.from_number, session.to_number)
        if isinstance(decision, Refused):
            self.refuse(session, decision)
            return
        session.state = STATE
        self.board.engage(session.from_number, session.call_id)
        self.dial(session, decision)

    def refuse(self, session: CallSession, refused: Refused) -> None:
        """End a call out that may not be made, before any INVITE leaves."""
        data = {"number": session.to_number, "reason": refused.reason}
        self.board.emit(session, "outbound.refused", data)
        log.warning("call out %s -> %s refused: %s", session.from_number, data["number"], data)
        self.board.end_call(session, "system", refused.reason, refused.code)

    def dial(self, session: CallSession, call: OutboundCall, extension: str = "") -> None:
        """Try the call's trunks from the first; for extension, when it forwards the call."""
        self._calls[session.call_id] = (call, list(call.trunks))
        if extension:
            self._for[session.call_id] = extension
        data = {"number": call.number, "route": call.route, "class": call.call_class.label}
        self.board.emit(session, "outbound.routed", {**data, "emergency": call.emergency})
        self._next_trunk(session)

    def _next_trunk(self, session: CallSession) -> bool:
        """Dial the next trunk left; end the call and return false when none answers."""
        call, left = self._calls[session.call_id]
        while left:
            peer = self.board.directory.trunks.get(left.pop(0))
            if peer is None:
                continue  # disabled or deleted since the route was saved
            if self._full(peer):
                self.board.emit(session, "outbound.trunk_full", {"trunk": peer.name})
                continue
            if not self.board.gateway_lines.registered(peer):  # a gateway's line, not registered
                data = {"trunk": peer.name, "state": "unregistered"}
                self.board.emit(session, "outbound.trunk_unregistered", data)
                continue
            registration = self.board.trunk_accounts.registration(peer.name)
            reachability = self.board.trunk_reachability(peer.name)
            if not takes_calls_out(peer.kind, registration, reachability):
                if reachability is not None and peer.kind != "register":
                    data = {"trunk": peer.name, "state": str(reachability.state)}
                    self.board.emit(session, "outbound.trunk_unreachable", data)
                    continue
                state = registration.state if registration else "unregistered"
                data = {"trunk": peer.name, "state": str(state)}
                self.board.emit(session, "outbound.trunk_unregistered", data)
                continue
            headers = peer.caller_id_headers(call.caller_id)
            leg = self.board.dial(session, call.number, ROLE, DIAL_SECONDS, True, peer, headers)
            if not leg.ended:
                session.ringing[ROLE] = leg
                self.board.emit(session, "outbound.dialing", {"trunk": peer.name}, leg.leg_id)
                session.caller.answer(180)  # the phone hears ringing while the far end rings
                return True
        self.board.end_call(session, "system", "no trunk could place the call", 503)
        return False

    def _full(self, peer: TrunkPeer) -> bool:
        """Return true if a trunk carries as many calls as its channel limit."""
        used = self.board.trunk_usage().get(peer.name, {})
        return bool(peer.max_channels) and sum(used.values()) >= peer.max_channels

    def confirmed(self, session: CallSession, leg: Leg) -> None:
        """The far end answered: answer the phone, bridge them, start the length limit."""
        if session.ringing.pop(ROLE, None) is not leg or session.state != STATE:
            leg.end()
            return
        call, _ = self._calls[session.call_id]
        agent = self._for.get(session.call_id, session.from_number)
        session.agent_leg, session.agent, session.state = leg, agent, "talking"
        caller = self.board.directory.callers_out.get(agent)
        session.record = bool(caller and caller.record)
        data = {"number": call.number, "agent": agent}
        self.board.emit(session, "outbound.answered", data, leg.leg_id)
        session.caller.answer(200)
        if call.max_seconds:
            cut = self.board.reactor.call_later(call.max_seconds, lambda: self._cut(session))
            session.timers.append(cut)

    def _cut(self, session: CallSession) -> None:
        """End a call out that reached the extension's maximum length."""
        if session.state == "talking":
            call, _ = self._calls[session.call_id]
            self.board.emit(session, "outbound.cut", {"max_seconds": call.max_seconds})
            self.board.end_call(session, "system", "maximum call length reached")

    def ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """A trunk leg ended: fail over before answer; after answer the call is over."""
        if leg.answered_at is not None:
            self.board.end_call(session, "external", "the called party hung up")
            return
        if session.ringing.get(ROLE) is not leg or session.state != STATE:
            return  # the call is ending already
        del session.ringing[ROLE]
        data = {"code": code, "reason": reason}
        self.board.emit(session, "outbound.failed", data, leg.leg_id)
        if fails_over(code):
            self._next_trunk(session)
        else:
            self.board.end_call(session, "system", f"the carrier answered {code}", code)
