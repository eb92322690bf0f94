"""Direct calls in: a caller in the box (an inbound number, an IVR transfer) for one agent.

The agent's forwarding (`callflow.extensions`) takes the first step, as for a
colleague's call: always, busy or DND, not registered.  Otherwise the agent is
rung (the caller hears music); unanswered, the call goes to the agent's no-answer
forward when they have one, else on at the flow's fallback as before.  One hop: a
colleague's extension is rung without their own forwards, an outside number is a
call out planned under the forwarding agent's class of service.  Runs on the
engine thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.outbound_plan import Refused
from appliance.engine.control import CommandError
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard


class DirectCalls:
    """Calls for one agent by name, for one switchboard's call operations."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._no_answer: dict[str, tuple[str, str]] = {}  # call id -> (agent, forward target)

    def direct(self, session: CallSession, extension: str, ring_s: float = 0.0) -> None:
        """Ring one agent for a call to their own number, or forward it as they asked.

        A caller whose agent cannot be rung goes on at `session.fallback` (an IVR
        node) when the flow set one, else hears that the agent is unavailable.
        """
        self._forget_finished()
        try:
            step = self.board.extensions.step(extension)
            if step is not None and step.action == "forward":
                self._forward(session, extension, step.target, step.reason, ring_s)
            elif step is not None and step.action == "refuse":
                raise CommandError("agent-unavailable", f"agent {extension}: {step.reason}")
            else:
                self._ring(session, extension, ring_s)
        except CommandError as exc:
            self.unavailable(session, extension, str(exc))

    def _ring(self, session: CallSession, extension: str, ring_s: float) -> None:
        """Ring the agent, for their no-answer ring seconds when they forward on no answer."""
        agent = self.board.acd.agents.get(extension)
        if agent is not None and agent.forward_no_answer:
            self._no_answer[session.call_id] = (extension, agent.forward_no_answer)
            ring_s = ring_s or agent.forward_ring_seconds
        self.board.ops.ring_for(session, "agent", extension, ring_s)

    def _forward(
        self, session: CallSession, extension: str, target: str, reason: str, ring_s: float
    ) -> None:
        """Ring where an agent forwards: a colleague, or a number out under their class."""
        data = {"agent": extension, "to": target, "reason": reason}
        self.board.emit(session, "call.forwarded", data)
        if target == self.board.codes.voicemail_own:  # the caller leaves a message
            self.board.desk.voicemail.record(session, extension)
            return
        if target in self.board.acd.agents:
            self.board.ops.ring_for(session, "agent", target, ring_s)
            return
        plan = self.board.dial_out.plan(extension, target)
        if isinstance(plan, Refused):
            raise CommandError("not-allowed", plan.reason)
        self.board.ops.ring_for(session, "external", plan.number, ring_s)

    def no_answer(self, session: CallSession) -> bool:
        """Forward a call its agent did not answer, if they asked; return true if it was."""
        pending = self._no_answer.pop(session.call_id, None)
        if pending is None:
            return False
        extension, target = pending
        try:
            self._forward(session, extension, target, "no_answer", 0.0)
        except CommandError as exc:
            self.unavailable(session, extension, str(exc))
        return True

    def answered(self, session: CallSession) -> None:
        """Forget the no-answer forward of a call its party answered."""
        self._no_answer.pop(session.call_id, None)

    def unavailable(self, session: CallSession, extension: str, why: str) -> None:
        """Tell a caller their agent cannot be rung (or go on at the flow's fallback)."""
        self.board.emit(session, "agent.unavailable", {"agent": extension, "reason": why})
        if session.fallback:
            self.board.ops.fall_back(session)
            return
        session.state = "ivr"
        language = session.run.language if session.run else self.board.settings.language
        end = lambda: self.board.end_call(session, "system", why)  # noqa: E731
        self.board.ivr.play(session, "agent-unavailable", language, 0.0, end)

    def _forget_finished(self) -> None:
        """Drop the no-answer forwards of calls that are over."""
        for call_id in [c for c in self._no_answer if c not in self.board.sessions]:
            del self._no_answer[call_id]
