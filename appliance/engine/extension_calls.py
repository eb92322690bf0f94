"""Extension-to-extension calls: a phone dials a colleague's extension (the office PBX).

The callee's phone is rung through the SIP edge with the caller's name in
P-Asserted-Identity (and Remote-Party-ID for older phones): pjsua2 sets From per
account, not per call, so the name travels in the identity headers phones show for
calls from their trusted proxy.  The caller hears ringing (180) and is answered when
the callee answers; then both are bridged.  Both phones are engaged (out of queue
service) for the call.  Busy, DND, not registered or no answer: the callee's
forwarding (`appliance.callflow.extensions`) decides — another extension, an outside
number (a call out under the *forwarding* extension's class of service), or the
call ends with a clear code.  A forward chain that comes back, or is longer than
`HOP_LIMIT`, is stopped (event `call.forward_stopped`, 482).  Runs on the engine thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from appliance.callflow.acd import BUSY
from appliance.callflow.const import AgentState
from appliance.callflow.extensions import Callee, Step, after_ring, first_step, stop_reason
from appliance.callflow.outbound_plan import Refused
from appliance.engine import dial_out
from appliance.engine.legs import Leg
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
ROLE = "extension"
STATE = "calling-extension"
LOOP_CODE = 482  # Loop Detected


def display_name(name: str) -> str:
    """Return name as a SIP quoted string (quotes and backslashes escaped)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ExtensionDesk:
    """Calls from phones to extensions, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._chains: dict[str, list[str]] = {}  # call id -> extensions reached, in order

    def is_extension(self, number: str) -> bool:
        """Return true if a number a phone dialled is an extension."""
        return number in self.board.acd.agents

    def start(self, session: CallSession) -> None:
        """Take a phone's call to an extension: ring it, forward it, or refuse it."""
        self._forget_finished()
        session.direction = "internal"
        self.board.engage(session.from_number, session.call_id)
        self._chains[session.call_id] = [session.from_number]
        self.reach(session, session.to_number)

    def reach(self, session: CallSession, extension: str) -> None:
        """Ring extension for the call, unless that would close a forward loop."""
        chain = self._chains[session.call_id]
        stop = stop_reason(chain, extension)
        if stop:
            self._stop(session, [*chain, extension], stop)
            return
        chain.append(extension)
        self._take(session, extension, first_step(self._callee(extension)))

    def _callee(self, extension: str) -> Callee:
        """Return the extension's situation now."""
        agent = self.board.acd.agents[extension]
        busy = bool(agent.engaged) or agent.state in BUSY
        dnd = agent.state == AgentState.DND
        return Callee(extension, agent.registered, busy, dnd, agent.forwarding())

    def _take(self, session: CallSession, extension: str, step: Step) -> None:
        """Carry out a step for the call to extension."""
        if step.action == "ring":
            self._ring(session, extension, step.seconds)
        elif step.action == "forward":
            self._forward(session, extension, step)
        else:
            data = {"agent": extension, "reason": step.reason, "code": step.code}
            self.board.emit(session, "internal.unavailable", data)
            self.board.end_call(
                session, "system", f"extension {extension}: {step.reason}", step.code
            )

    def _ring(self, session: CallSession, extension: str, seconds: int) -> None:
        """Ring the extension's phone with the caller's name; the caller hears ringing."""
        headers = self.identity(session)
        leg = self.board.dial(session, extension, ROLE, seconds, headers=headers)
        if leg.ended:
            forwarding = self.board.acd.agents[extension].forwarding()
            self._take(session, extension, after_ring(forwarding, 0))
            return
        session.ringing[ROLE], session.state = leg, STATE
        self.board.engage(extension, session.call_id)
        data = {"agent": extension, "from": session.from_number, "seconds": seconds}
        self.board.emit(session, "internal.ringing", data, leg.leg_id)
        session.caller.answer(180)

    def identity(self, session: CallSession) -> dict[str, str]:
        """Return the headers that show the callee's phone who calls (name and extension)."""
        agent = self.board.acd.agents.get(session.from_number)
        name = display_name(agent.name) + " " if agent and agent.name else ""
        uri = f"<sip:{session.from_number}@{self.board.settings.sip.domain}>"
        return {
            "P-Asserted-Identity": f"{name}{uri}",
            "Remote-Party-ID": f"{name}{uri};party=calling;screen=yes;privacy=off",
        }

    def _forward(self, session: CallSession, extension: str, step: Step) -> None:
        """Send the call on to the forward target: an extension, or out on a trunk."""
        data = {"agent": extension, "to": step.target, "reason": step.reason}
        self.board.emit(session, "call.forwarded", data)
        if self.is_extension(step.target):
            self.reach(session, step.target)
            return
        decision = self.board.dial_out.plan(extension, step.target)  # the forwarder's rights
        if isinstance(decision, Refused):
            self.board.dial_out.refuse(session, decision)
            return
        session.state = dial_out.STATE
        self.board.dial_out.dial(session, decision, extension)

    def _stop(self, session: CallSession, chain: list[str], why: str) -> None:
        """End a call whose forwards would go round (or on too long)."""
        self.board.emit(session, "call.forward_stopped", {"chain": chain, "reason": why})
        log.warning("call %s: forward %s stopped: %s", session.call_id, "→".join(chain), why)
        self.board.end_call(session, "system", f"forward {why}: {' → '.join(chain)}", LOOP_CODE)

    def confirmed(self, session: CallSession, leg: Leg) -> None:
        """The callee answered: answer the caller; the audio is bridged once both are up."""
        if session.ringing.get(ROLE) is not leg or session.state != STATE:
            leg.end()
            return
        del session.ringing[ROLE]
        session.agent_leg, session.agent, session.state = leg, leg.extension, "talking"
        data = {"agent": leg.extension, "from": session.from_number}
        self.board.emit(session, "internal.answered", data, leg.leg_id)
        session.caller.answer(200)

    def ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """A callee's leg ended: after answer the call is over; before, forward or refuse."""
        self._release(leg.extension, session.call_id)
        if leg.answered_at is not None:
            self.board.end_call(session, "agent", "the called extension hung up")
            return
        if session.ringing.get(ROLE) is not leg or session.state != STATE:
            return  # the call is ending already
        del session.ringing[ROLE]
        data = {"agent": leg.extension, "code": code, "reason": reason}
        self.board.emit(session, "internal.no_answer", data, leg.leg_id)
        forwarding = self.board.acd.agents.get(leg.extension)
        if forwarding is None:
            self.board.end_call(session, "system", "extension removed", 480)
            return
        self._take(session, leg.extension, after_ring(forwarding.forwarding(), code))

    def _release(self, extension: str, call_id: str) -> None:
        """Put a callee who is no longer in the call back into queue service."""
        agent = self.board.acd.agents.get(extension)
        if agent is not None and agent.engaged == call_id:
            agent.engaged = ""
            self.board.reactor.call_later(0.05, self.board.desk.dispatch)

    def _forget_finished(self) -> None:
        """Drop the forward chains of calls that are over."""
        for call_id in [c for c in self._chains if c not in self.board.sessions]:
            del self._chains[call_id]
