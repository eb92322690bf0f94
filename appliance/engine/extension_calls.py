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
`HOP_LIMIT`, is stopped (event `call.forward_stopped`, 482).  A ring group's number
(dialled, or an inbound number's target: the carrier's caller is then answered only
when a member answers) rings its members in waves (`callflow.ring_groups`); the first
to answer takes the call and the others stop ringing.  Runs on the engine thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from appliance.callflow.const import AgentState
from appliance.callflow.extensions import Callee, Step, after_ring, first_step, stop_reason
from appliance.callflow.outbound_plan import Refused
from appliance.callflow.ring_groups import RingGroup, next_wave, waves
from appliance.engine import call_waiting, dial_out
from appliance.engine.directory import Route
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
        self._waves: dict[str, tuple[RingGroup, list[list[str]]]] = {}  # call id -> group, left
        self._no_forward: set[str] = set()  # calls that ring one phone only (intercom)

    def is_extension(self, number: str) -> bool:
        """Return true if a number a phone dialled is an extension or a ring group."""
        return number in self.board.acd.agents or number in self.board.directory.groups

    def start(self, session: CallSession, target: str = "") -> None:
        """Take a phone's call to the extension or group it dialled (engaging the phone),
        or a carrier's call to an inbound number whose target is a group."""
        self._forget_finished()
        if not target:
            session.direction = "internal"
            self.board.engage(session.from_number, session.call_id)
        self._chains[session.call_id] = [session.from_number]
        self.reach(session, target or session.to_number)

    def reach(self, session: CallSession, number: str) -> None:
        """Ring an extension or group for the call, unless that would close a forward loop."""
        chain = self._chains[session.call_id]
        stop = stop_reason(chain, number)
        if stop:
            self._stop(session, [*chain, number], stop)
            return
        chain.append(number)
        self._waves.pop(session.call_id, None)
        group = self.board.directory.groups.get(number)
        if group is not None:
            self._ring_group(session, group)
        elif number in self.board.acd.agents:
            self._take(session, number, first_step(self._callee(number)))
        else:  # a group or extension removed since
            self.board.end_call(session, "system", f"no extension {number}", 404)

    def ring_back(self, session: CallSession, extension: str, seconds: int) -> None:
        """Ring an extension for a call already answered (a park timing out); unanswered,
        their no-answer forward applies."""
        self._chains.setdefault(session.call_id, [session.from_number])
        self._waves.pop(session.call_id, None)
        if extension in self.board.acd.agents:
            self._ring(session, extension, seconds)
        else:
            self.board.end_call(session, "system", f"no extension {extension} to ring back", 480)

    def ring_only(
        self, session: CallSession, extension: str, seconds: int, headers: dict[str, str]
    ) -> None:
        """Ring one free extension with extra headers and no forwards (intercom), else 486/480."""
        self._forget_finished()
        self._chains[session.call_id] = [session.from_number, extension]
        self._no_forward.add(session.call_id)
        callee = self._callee(extension)
        reason = "unavailable" if not callee.registered else "dnd" if callee.dnd else "busy"
        if callee.registered and not callee.busy and not callee.dnd:
            if self._dial(session, extension, seconds, extra=headers):
                return
            reason = "unavailable"
        code = 480 if reason == "unavailable" else 486
        data = {"agent": extension, "reason": reason, "code": code}
        self.board.emit(session, "internal.unavailable", data)
        self.board.end_call(session, "system", f"extension {extension}: {reason}", code)

    def step(self, extension: str) -> Step | None:
        """Return what a direct call to extension does first (None: no such extension)."""
        return first_step(self._callee(extension)) if extension in self.board.acd.agents else None

    def _callee(self, extension: str) -> Callee:
        """Return the extension's situation now."""
        agent = self.board.acd.agents[extension]
        busy = call_waiting.busy(self.board, agent)
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
        """Ring one extension; a phone that cannot be rung counts as not answering."""
        if not self._dial(session, extension, seconds):
            forwarding = self.board.acd.agents[extension].forwarding()
            self._take(session, extension, after_ring(forwarding, 0))

    def _dial(
        self,
        session: CallSession,
        extension: str,
        seconds: int,
        group: str = "",
        extra: dict[str, str] | None = None,
    ) -> bool:
        """Ring the extension's phone with the caller's name; the caller hears ringing."""
        headers = {**self.identity(session), **(extra or {})}
        leg = self.board.dial(session, extension, ROLE, seconds, headers=headers)
        if leg.ended:
            return False
        session.ringing[extension], session.state = leg, STATE
        self.board.engage(extension, session.call_id)
        data = {"agent": extension, "from": session.from_number, "seconds": seconds}
        if group:
            data["group"] = group
        self.board.emit(session, "internal.ringing", data, leg.leg_id)
        if session.caller.answered_at is None:
            session.caller.answer(180)
        return True

    def _ring_group(self, session: CallSession, group: RingGroup) -> None:
        """Ring a group's members, wave after wave."""
        self._waves[session.call_id] = (group, waves(group))
        data = {"group": group.number, "strategy": group.strategy}
        self.board.emit(session, "group.ringing", data)
        self._next_wave(session)

    def _next_wave(self, session: CallSession) -> None:
        """Ring the group's next members who can take the call; nobody left: no answer."""
        group, left = self._waves[session.call_id]
        while left:
            wave = next_wave(left, lambda ext: self._free(session, ext))
            rung = [
                ext for ext in wave if self._dial(session, ext, group.ring_seconds, group.number)
            ]
            if rung:
                return
        del self._waves[session.call_id]
        self.board.emit(session, "group.no_answer", {"group": group.number})
        if group.no_answer:
            self._forward(session, group.number, Step("forward", group.no_answer, "no_answer"))
        else:
            self.board.end_call(session, "system", f"nobody in group {group.number} answered", 480)

    def _free(self, session: CallSession, extension: str) -> bool:
        """Return true if a group member can be rung for the call now."""
        agent = self.board.acd.agents.get(extension)
        if agent is None or extension == session.from_number:
            return False
        callee = self._callee(extension)
        return callee.registered and not callee.busy and not callee.dnd

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
        if step.target == self.board.codes.voicemail_own:  # answered, then the box greets
            session.route = Route(session.to_number, "voicemail", extension)
            session.state = "new"  # media ready → start_route → the box
            session.caller.answer(200)
            return
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
        if session.ringing.get(leg.extension) is not leg or session.state != STATE:
            leg.end()
            return
        del session.ringing[leg.extension]
        session.agent_leg, session.agent, session.state = leg, leg.extension, "talking"
        data = {"agent": leg.extension, "from": session.from_number}
        self.board.emit(session, "internal.answered", data, leg.leg_id)
        # Talking first: hanging up a ringing leg may report its end before end() returns.
        for other in list(session.ringing.values()):  # a ring group's other members
            other.stopped = "answered elsewhere"
            other.end(487)
        if session.caller.answered_at is None:
            session.caller.answer(200)
        if leg.audio is not None:  # a phone that called in (pickup, a parked call): audio is up
            self.board.desk.bridge(session)

    def ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """A callee's leg ended: after answer the call is over; before, forward or refuse."""
        self._release(leg.extension, session.call_id)
        if leg.answered_at is not None:
            self.board.end_call(session, "agent", "the called extension hung up")
            return
        if session.ringing.get(leg.extension) is not leg or session.state != STATE:
            return  # the call is ending, or answered elsewhere
        del session.ringing[leg.extension]
        if leg.stopped:
            return
        data = {"agent": leg.extension, "code": code, "reason": reason}
        self.board.emit(session, "internal.no_answer", data, leg.leg_id)
        if session.call_id in self._waves:
            if not session.ringing:  # the whole wave rang out
                self._next_wave(session)
            return
        if session.call_id in self._no_forward:
            self.board.end_call(session, "system", f"extension {leg.extension} did not answer", 480)
            return
        forwarding = self.board.acd.agents.get(leg.extension)
        if forwarding is None:
            self.board.end_call(session, "system", "extension removed", 480)
            return
        self._take(session, leg.extension, after_ring(forwarding.forwarding(), code))

    def _release(self, extension: str, call_id: str) -> None:
        """Put a callee who is no longer in the call back into queue service."""
        self.board.release_phone(extension, call_id)

    def _forget_finished(self) -> None:
        """Drop the forward chains of calls that are over."""
        for call_id in [c for c in self._chains if c not in self.board.sessions]:
            del self._chains[call_id]
            self._waves.pop(call_id, None)
            self._no_forward.discard(call_id)
