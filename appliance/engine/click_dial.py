"""Click-to-dial: ring an agent's own phone, then call the number they clicked and bridge.

The pattern of callbacks (`callback.py`): the agent is rung first (role `dialer`);
once they answer the box calls the number (role `callee`) through the trunk, or
through the SIP edge when it is an agent's extension, and bridges the two.  The
agent's phone is engaged (out of queue service) for the call's length, as when
they dial out themselves; their state is left as it was.  Once connected the call
is an ordinary call for the operations (hold, transfer, conference): the callee is
its caller and the dialer its agent.  Runs on the engine thread.
"""

from __future__ import annotations

import dataclasses
import re
import time
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from appliance.callflow.const import AgentState
from appliance.callflow.outbound_plan import OutboundCall, Refused
from appliance.engine.callback import PendingLeg
from appliance.engine.control import CommandError
from appliance.engine.dial_out import fails_over
from appliance.engine.legs import Leg
from appliance.engine.queue_store import TrunkPeer
from appliance.engine.session import CallSession, new_call_id
from appliance.engine.trunk_registration import takes_calls_out

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

CLICK_ROLES = ("dialer", "callee")
AGENT_RING_SECONDS = 30  # the agent's own phone: they clicked, they are at it
CALLEE_RING_SECONDS = 45
DIALABLE = re.compile(r"\+?[0-9*#]{2,24}")
BUSY = (AgentState.RINGING, AgentState.ON_CALL)


def dialable(number: str) -> str:
    """Return number without spaces, dashes and brackets, or raise CommandError."""
    cleaned = re.sub(r"[\s\-().]", "", number) if isinstance(number, str) else ""
    if not DIALABLE.fullmatch(cleaned):
        raise CommandError("bad-number", f"{number!r} is not a number to dial")
    return cleaned


class ClickToDial:
    """Calls agents start by clicking a number, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._plans: dict[str, OutboundCall] = {}  # call id -> the call out decided at the click
        self._left: dict[str, tuple[OutboundCall, list[TrunkPeer]]] = {}  # trunks not tried yet

    def start(
        self, extension: str, number: str, via: str = "click-to-dial", caller_id: str = ""
    ) -> dict[str, Any]:
        """Ring the agent's phone for a call to number; raise CommandError if it cannot be.

        via names what started the call in its `call.started` event; caller_id, when
        given, is presented instead of the route's (a campaign's own number).
        """
        number = dialable(number)
        self._forget_ended()
        agent = self.board.acd.agents.get(extension)
        if agent is None:
            raise CommandError("no-such-agent", f"no agent with extension {extension!r}")
        if not agent.registered:
            raise CommandError("not-registered", f"the phone of {extension} is not registered")
        if agent.engaged or agent.state in BUSY:
            raise CommandError("busy", f"agent {extension} is in a call")
        if number == extension:
            raise CommandError("bad-number", "an agent cannot call their own phone")
        internal = number in self.board.acd.agents
        plan = None if internal else self.board.dial_out.plan(extension, number)
        if isinstance(plan, Refused):
            raise CommandError("not-allowed", plan.reason)
        if plan is not None and caller_id:
            plan = dataclasses.replace(plan, caller_id=caller_id)
        session = self._session(extension, number, internal, via)
        if plan is not None:
            self._plans[session.call_id] = plan
        leg = self.board.dial(session, extension, "dialer", AGENT_RING_SECONDS)
        if leg.ended:
            self.board.end_call(session, "system", "cannot ring the agent's phone")
            raise CommandError("dial-failed", f"cannot ring {extension}")
        session.agent_leg, session.agent = leg, extension
        self.board.engage(extension, session.call_id)
        data = {"agent": extension, "number": number}
        self.board.emit(session, "dial.ringing", data, leg.leg_id)
        return {"call_id": session.call_id, **data}

    def _forget_ended(self) -> None:
        """Drop the plans and trunk lists of calls that are over."""
        for kept in (self._plans, self._left):
            for call_id in [c for c in kept if c not in self.board.sessions]:
                del kept[call_id]

    def _session(self, extension: str, number: str, internal: bool, via: str) -> CallSession:
        """Return a new click-to-dial call whose callee is not dialled yet."""
        assert self.board.edge_account is not None
        placeholder = PendingLeg(self.board, self.board.edge_account, pj.PJSUA_INVALID_ID, "callee")
        placeholder.call, placeholder.leg_id = None, "pending"
        session = CallSession(
            new_call_id(), placeholder, extension, number, "outbound", started_at=time.time()
        )
        session.state = "dialing"
        self.board.sessions[session.call_id] = session
        data = {"from": extension, "to": number, "direction": "outbound"}
        self.board.emit(session, "call.started", {**data, "via": via})
        return session

    def confirmed(self, session: CallSession, leg: Leg) -> None:
        """The agent answered: call the number.  The callee answered: bridge them."""
        if leg.role == "dialer":
            self._dial_callee(session, leg)
            return
        if leg is not session.caller or session.state == "ending":
            leg.end()
            return
        session.state = "talking"
        self.board.emit(session, "dial.answered", {"number": session.to_number}, leg.leg_id)
        self.board.desk.bridge(session)

    def _dial_callee(self, session: CallSession, leg: Leg) -> None:
        """Call the clicked number for an agent who answered their phone."""
        if leg is not session.agent_leg or session.state != "dialing":
            leg.end()
            return
        session.caller.ended = True  # the placeholder: the callee takes its place
        session.state = "calling"
        plan = self._plans.pop(session.call_id, None)
        if plan is None:  # a colleague's extension: their phone shows who calls
            self._call(session, session.to_number, None, self.board.extensions.identity(session))
            return
        self._left[session.call_id] = (plan, self._trunks(plan))
        self._next_trunk(session)

    def _next_trunk(self, session: CallSession) -> None:
        """Call the number on the next trunk of its route (the first, then after failures)."""
        plan, left = self._left[session.call_id]
        peer = left.pop(0) if left else None
        headers = peer.caller_id_headers(plan.caller_id) if peer is not None else None
        self._call(session, plan.number, peer, headers)

    def _call(
        self,
        session: CallSession,
        number: str,
        peer: TrunkPeer | None,
        headers: dict[str, str] | None,
    ) -> None:
        """Dial the callee leg (through peer, or the SIP edge for an extension)."""
        outside = session.call_id in self._left
        callee = self.board.dial(
            session, number, "callee", CALLEE_RING_SECONDS, outside, peer, headers
        )
        session.caller = callee
        if callee.ended:
            self._failed(session, 0, "cannot dial")
            return
        data = {"number": number, "via": "trunk" if outside else "edge"}
        if peer is not None:
            data["trunk"] = peer.name
        self.board.emit(session, "dial.calling", data, callee.leg_id)

    def _trunks(self, plan: OutboundCall) -> list[TrunkPeer]:
        """Return the route's trunks to try in order, as a call out would try them.

        A registering trunk not registered now, or an IP peer that stopped answering
        OPTIONS, is passed over; if that leaves none, the first enabled one is tried
        all the same (a click is a person waiting: better a try than nothing).
        """
        trunks = self.board.directory.trunks
        enabled = [trunks[name] for name in plan.trunks if name in trunks]
        registration = self.board.trunk_accounts.registration
        reach = self.board.trunk_reachability
        ready = [p for p in enabled if takes_calls_out(p.kind, registration(p.name), reach(p.name))]
        return ready or enabled[:1]

    def ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """A leg of a click-to-dial call ended: the call ends with it."""
        if leg in session.released:  # the agent transferred the call and left
            return
        if leg.role == "dialer":
            why = "agent hung up" if leg.answered_at else "agent did not answer"
            self.board.end_call(session, "agent", why)
        elif leg.answered_at is None:
            if leg is session.caller and self._fails_over(session, code):
                data = {"number": session.to_number, "code": code, "reason": reason}
                self.board.emit(session, "dial.failed_over", data, leg.leg_id)
                self._next_trunk(session)
                return
            self._failed(session, code, reason)
        else:
            self.board.end_call(session, "caller", "callee hung up")

    def _fails_over(self, session: CallSession, code: int) -> bool:
        """Return true if a carrier's failure before answer leaves another trunk to try."""
        left = self._left.get(session.call_id)
        return bool(left and left[1]) and session.state == "calling" and fails_over(code)

    def _failed(self, session: CallSession, code: int, reason: str) -> None:
        """The number could not be reached: say so and end the call."""
        data = {"number": session.to_number, "code": code, "reason": reason}
        self.board.emit(session, "dial.failed", data)
        self.board.end_call(session, "system", f"{session.to_number} did not answer ({code})")
