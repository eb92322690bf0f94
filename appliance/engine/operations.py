"""Agent and supervisor operations on a connected call: hold, transfer, conference, monitor.

Runs on the engine thread.  Each operation changes the call's situation and asks
the mixer (`appliance.engine.mixer`) to bring the bridge in line with it, so no
operation wires audio itself.
Errors a user can cause (a call that just ended, an unknown target, an agent who is
busy) raise `CommandError` before anything changes: the call goes on unharmed.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING

from appliance.callflow.const import AgentState, MonitorMode
from appliance.callflow.targets import call_target
from appliance.engine.control import CommandError
from appliance.engine.direct_calls import DirectCalls
from appliance.engine.intro import IntroOps
from appliance.engine.legs import Leg
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
CONSULT_RING_SECONDS = 30  # a consulted party that does not answer in time is given up


class CallOps:
    """Operations on connected calls, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.intro = IntroOps(board)  # call.intro: the caller hears the company intro
        self.direct_calls = DirectCalls(board)  # calls for one agent, and their forwards

    # --- commands -------------------------------------------------------------------------

    def connected(self, call_id: str) -> CallSession:
        """Return a call talking with an agent, or raise CommandError."""
        session = self.board.sessions.get(call_id)
        if session is None or session.state == "ending":
            raise CommandError("no-such-call", f"no call {call_id!r} in progress")
        if session.state != "talking" or session.agent_leg is None:
            raise CommandError("not-connected", f"call {call_id} is {session.state}, not talking")
        return session

    def hold(self, call_id: str, on: bool) -> dict[str, object]:
        """Put the caller on hold with music, or take them off it."""
        session = self.connected(call_id)
        if session.held != on:
            session.held = on
            self.board.mixer.remix(session)
            kind = "call.held" if on else "call.resumed"
            self.board.emit(session, kind, {"agent": session.agent})
        return {"call_id": call_id, "held": on}

    def transfer(self, call_id: str, target: str, attended: bool) -> dict[str, object]:
        """Send the caller to an agent, queue, IVR node or number; attended: consult first."""
        session = self.connected(call_id)
        if session.consult is not None:
            raise CommandError("busy", f"call {call_id} already has a transfer in progress")
        kind, name = self._target(session, target)
        self.intro.end(session, "transferred")  # the caller hears what the transfer plans
        data = {"to": f"{kind}:{name}", "attended": attended, "by": session.agent}
        data.update(self.record(session))
        if kind in ("queue", "ivr"):
            if attended:
                raise CommandError("bad-target", f"an attended transfer needs a person, not {kind}")
            self.board.emit(session, "transfer.started", data)
            self._release_agent(session)
            self._send_on(session, kind, name)
            return {"call_id": call_id, "to": data["to"]}
        leg = self._dial(session, kind, name, "consult")
        session.consult, session.consult_for = leg, "transfer" if attended else "blind"
        self.board.emit(session, "transfer.started", data, leg.leg_id)
        if not attended:
            self._release_agent(session)
        self.board.mixer.remix(session)
        return {"call_id": call_id, "to": data["to"], "leg": leg.leg_id}

    def complete_transfer(self, call_id: str) -> dict[str, object]:
        """Hand the caller to the consulted party (still ringing: when they answer)."""
        session = self.connected(call_id)
        leg = session.consult
        if leg is None or session.consult_for != "transfer":
            raise CommandError("no-transfer", f"call {call_id} has no attended transfer to finish")
        session.consult_for = "blind"
        self._release_agent(session)
        if leg.answered_at is not None:
            self._promote(session, leg)
        else:
            self.board.mixer.remix(session)
        return {"call_id": call_id, "completed": leg.answered_at is not None}

    def cancel_transfer(self, call_id: str) -> dict[str, object]:
        """Hang up on the consulted party and go back to the caller."""
        session = self.connected(call_id)
        leg = session.consult
        if leg is None or session.consult_for != "transfer":
            raise CommandError("no-transfer", f"call {call_id} has no attended transfer to cancel")
        leg.stopped = "transfer cancelled"  # leg_ended frees the agent and goes back
        leg.end()
        self.board.emit(session, "transfer.cancelled", {"to": leg.extension or leg.number})
        return {"call_id": call_id, "cancelled": True}

    def conference(self, call_id: str, target: str) -> dict[str, object]:
        """Call a third party and join them to the conversation when they answer."""
        session = self.connected(call_id)
        if session.third is not None or session.consult is not None:
            raise CommandError("busy", f"call {call_id} already has a third party or a transfer")
        kind, name = self._target(session, target)
        if kind not in ("agent", "external"):
            raise CommandError("bad-target", "a conference needs a person: agent or external")
        session.third = self._dial(session, kind, name, "third")
        data = {"to": f"{kind}:{name}", "by": session.agent}
        self.board.emit(session, "conference.started", data, session.third.leg_id)
        return {"call_id": call_id, "to": data["to"], "leg": session.third.leg_id}

    def monitor(self, call_id: str, supervisor: str, mode: str) -> dict[str, object]:
        """Have a supervisor listen to, whisper to or barge into a call (or change how)."""
        session = self.connected(call_id)
        try:
            wanted = MonitorMode(mode)
        except ValueError:
            modes = ", ".join(m.value for m in MonitorMode)
            raise CommandError("bad-mode", f"mode must be one of {modes}") from None
        current = session.supervisor
        if current is not None and current.extension != supervisor:
            raise CommandError("busy", f"call {call_id} is monitored by {current.extension}")
        if supervisor == session.agent:
            raise CommandError("bad-target", "an agent cannot monitor their own call")
        session.monitor = wanted
        if current is None:
            session.supervisor = self._dial(session, "supervisor", supervisor, "supervisor")
            self.board.engage(supervisor, session.call_id)
        self.board.emit(
            session, "monitor.mode", {"supervisor": supervisor, "mode": wanted}, _id(current)
        )
        self.board.mixer.remix(session)
        return {"call_id": call_id, "supervisor": supervisor, "mode": wanted}

    def take_over(self, call_id: str, supervisor: str) -> dict[str, object]:
        """Let the monitoring supervisor take the call from the agent."""
        session = self.connected(call_id)
        leg = session.supervisor
        if leg is None or leg.extension != supervisor or leg.answered_at is None:
            raise CommandError("not-monitoring", f"{supervisor} is not on call {call_id}")
        agent = session.agent
        session.supervisor, session.monitor = None, None
        self.board.engage(supervisor, "")  # now the call's agent, counted as such
        self._release_agent(session)
        if leg.extension in self.board.acd.agents:
            self._agent_took(session, leg)
        self._become_agent(session, leg)
        self.board.emit(session, "call.taken_over", {"supervisor": supervisor, "agent": agent})
        self.board.mixer.remix(session)
        return {"call_id": call_id, "agent": supervisor}

    def direct(self, session: CallSession, extension: str, ring_s: float = 0.0) -> None:
        """Ring one agent for a call to their own number, or forward it (`direct_calls`)."""
        self.direct_calls.direct(session, extension, ring_s)

    def ring_for(self, session: CallSession, kind: str, name: str, ring_s: float = 0.0) -> None:
        """Ring a party for a caller who has nobody yet (they hear music meanwhile).

        Raise CommandError when the party cannot be rung at all.
        """
        session.consult = self._dial(session, kind, name, "consult", ring_s)
        session.consult_for, session.state = "blind", "ringing"
        self.board.mixer.remix(session)

    def add_note(self, call_id: str, text: str) -> dict[str, object]:
        """Attach an agent's note to the call; it follows the call through transfers."""
        session = self.board.sessions.get(call_id)
        if session is None or session.state == "ending":
            raise CommandError("no-such-call", f"no call {call_id!r} in progress")
        session.notes.append(text)
        self.board.emit(session, "call.note", {"text": text, "by": session.agent})
        return {"call_id": call_id, "notes": len(session.notes)}

    # --- legs of the operations -----------------------------------------------------------

    def leg_answered(self, session: CallSession, leg: Leg) -> None:
        """A consulted, third or supervising party answered."""
        part = session.role_of(leg)
        if part == "consult" and session.consult_for == "blind":
            self._promote(session, leg)
            return
        if leg.extension in self.board.acd.agents and part in ("consult", "third"):
            self._agent_took(session, leg)
        kind = {"consult": "transfer.consulting", "third": "conference.joined"}
        self.board.emit(session, kind.get(part, "monitor.started"), _who(leg), leg.leg_id)
        self.board.mixer.remix(session)

    def leg_ended(self, session: CallSession, leg: Leg, part: str, code: int, reason: str) -> None:
        """A consulted, third or supervising party left (or never answered)."""
        answered = leg.answered_at is not None
        if part == "supervisor":
            self.board.engage(leg.extension, "")
        elif not answered and leg.extension:
            self.board.acd.ring_stopped(leg.extension)
            self.board.agent_changed(leg.extension)
        elif answered and leg.extension in self.board.acd.agents:
            self._agent_done(session, leg)
        if session.state == "ending":  # the call is over: nothing to go back to
            return
        data = {**_who(leg), "code": code, "reason": leg.stopped or reason}
        if part == "consult":
            session.consult = None
            if not leg.stopped:
                self.board.emit(session, "transfer.failed", data, leg.leg_id)
            if session.agent_leg is None:  # blind: nobody left to go back to
                self.fall_back(session)
                return
        elif part == "third":
            session.third = None
            self.board.emit(session, "conference.left" if answered else "conference.failed", data)
        else:
            session.supervisor, session.monitor = None, None
            self.board.emit(session, "monitor.ended", data, leg.leg_id)
        self.board.mixer.remix(session)

    def hand_over(self, session: CallSession) -> bool:
        """When the agent leaves a three-way call, leave the caller with the third party."""
        third = session.third
        if third is None or third.answered_at is None or third.ended:
            return False
        session.third = None
        self._become_agent(session, third)
        self.board.emit(session, "conference.handed_over", _who(third), third.leg_id)
        self.board.mixer.remix(session)
        return True

    # --- helpers --------------------------------------------------------------------------

    def record(self, session: CallSession) -> dict[str, object]:
        """Return what follows a transferred call: the customer record and the notes."""
        customer = self.board.acd.callers.customer(session.known_as)
        return {
            "customer": dataclasses.asdict(customer) if customer else None,
            "notes": list(session.notes),
        }

    def _target(self, session: CallSession, target: str) -> tuple[str, str]:
        """Return a checked (kind, name) target, or raise CommandError."""
        try:
            kind, name = call_target(target)
        except KeyError as exc:
            raise CommandError("bad-target", exc.args[0]) from None
        if kind == "queue" and name not in self.board.acd.queues:
            raise CommandError("bad-target", f"no queue {name!r}")
        if kind == "ivr" and (session.run is None or name not in session.run.flow.get("nodes", {})):
            raise CommandError("bad-target", f"the caller's IVR flow has no node {name!r}")
        if kind == "agent" and name == session.agent:
            raise CommandError("bad-target", "the call is already with that agent")
        if kind == "external" and not self.board.directory.outbound:
            raise CommandError("no-trunk", "no enabled trunk to call an external number on")
        return kind, name

    def _dial(
        self, session: CallSession, kind: str, name: str, role: str, ring_s: float = 0.0
    ) -> Leg:
        """Call a party on the edge (phones) or the trunk (numbers), for ring_s seconds at most."""
        if kind == "agent":
            try:
                self.board.acd.reserve(name, session.call_id, time.time())
            except (KeyError, ValueError) as exc:
                raise CommandError("agent-unavailable", str(exc.args[0])) from None
        ring_s = ring_s or CONSULT_RING_SECONDS
        leg = self.board.dial(session, name, role, ring_s, kind == "external")
        if leg.ended:
            if kind == "agent":
                self.board.acd.ring_stopped(name)
            raise CommandError("dial-failed", f"cannot call {name}")
        if kind == "agent":
            self.board.emit_agent(name, "agent.state", {"state": AgentState.RINGING})
        return leg

    def _release_agent(self, session: CallSession) -> None:
        """Let the agent go from a call that continues without them (wrap-up as usual)."""
        leg = session.agent_leg
        if leg is None:
            return
        session.agent_leg, session.held = None, False
        session.released.append(leg)
        self._agent_done(session, leg)
        leg.end()

    def _agent_done(self, session: CallSession, leg: Leg) -> None:
        """Put an agent who leaves a call into wrap-up and serve the queues."""
        if leg.role == "dialer":  # their own click-to-dial call: their state stays as it was
            self.board.engage(leg.extension, "")
            return
        self.board.desk.agent_free(session, leg.extension)

    def _agent_took(self, session: CallSession, leg: Leg) -> None:
        """Count an agent answering a call sent to them."""
        self.board.acd.answered(leg.extension, session.call_id, time.time())
        data = {"state": AgentState.ON_CALL, "call_id": session.call_id}
        self.board.emit_agent(leg.extension, "agent.state", data)

    def _become_agent(self, session: CallSession, leg: Leg) -> None:
        """Make leg the party the caller talks with."""
        session.agent_leg, session.agent = leg, leg.extension or leg.number
        self.board.emit(
            session, "agent.answered", {"agent": session.agent, "queue": None}, leg.leg_id
        )

    def _promote(self, session: CallSession, leg: Leg) -> None:
        """Finish a transfer: the consulted party now talks with the caller."""
        session.consult, session.state, session.fallback = None, "talking", ""
        self.direct_calls.answered(session)
        if leg.extension in self.board.acd.agents:
            self._agent_took(session, leg)
        self._become_agent(session, leg)
        data = {**_who(leg), **self.record(session)}  # the record follows the call
        self.board.emit(session, "transfer.completed", data, leg.leg_id)
        self.board.mixer.remix(session)

    def fall_back(self, session: CallSession) -> None:
        """A blind transfer (or a direct call) failed: to the agent's no-answer forward, on
        at the flow's fallback node, back into the queue the caller came from, or end."""
        if self.direct_calls.no_answer(session):  # the agent forwards unanswered calls
            return
        self.board.desk.stop_music(session)
        if session.fallback:
            node, session.fallback = session.fallback, ""
            self._send_on(session, "ivr", node)
        elif session.queue is not None:
            session.priority += 1  # they waited once already
            self._send_on(session, "queue", session.queue.name)
        else:
            self.board.end_call(session, "system", "not answered")

    def _send_on(self, session: CallSession, kind: str, name: str) -> None:
        """Send a caller with no agent to a queue or an IVR node."""
        session.links, session.held = set(), False
        self.board.desk.unbridge(session)
        if kind == "queue":
            self.board.desk.enter_queue(session, name)
        else:
            session.state, session.queue = "ivr", None
            self.board.ivr.follow(session, lambda run: run.goto(name))


def _who(leg: Leg) -> dict[str, str]:
    """Return who a leg reaches, for events."""
    return {"agent": leg.extension} if leg.extension else {"number": leg.number}


def _id(leg: Leg | None) -> str:
    """Return a leg's id, or '' for none."""
    return leg.leg_id if leg is not None else ""
