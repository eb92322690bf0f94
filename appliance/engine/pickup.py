"""Call pickup: answer, from my phone, a call ringing for a colleague.

`*8` (group pickup, 搶接) takes the oldest call ringing for a member of one of my
queues: a queue call ringing its agents, or a colleague's call to an extension that
shares a queue with me.  `**<ext>` (directed pickup) takes the call ringing at that
extension, whoever it is.  The dialling phone's own call becomes the answer: the
queue desk (queue calls) or the extension desk (calls between extensions) connects
it as if the rung phone had answered, and the other phones stop ringing.  Runs on
the engine thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.acd import BUSY
from appliance.callflow.const import AgentState
from appliance.engine import extension_calls
from appliance.engine.legs import Leg
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

QUEUE_RINGING = "ringing"  # a queue call ringing agents
PICKABLE = (QUEUE_RINGING, extension_calls.STATE)


class PickupDesk:
    """Phones picking up calls ringing elsewhere, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def group(self, leg: Leg, extension: str) -> None:
        """Answer the oldest call ringing for a colleague in my queues."""
        self._take(leg, extension, self._ringing_in_my_queues(extension))

    def directed(self, leg: Leg, extension: str, target: str) -> None:
        """Answer the call ringing at the target extension."""
        ringing = [s for s in self._ringing() if target in s.ringing and target != extension]
        self._take(leg, extension, min(ringing, key=lambda s: s.started_at, default=None))

    def _take(self, leg: Leg, extension: str, session: CallSession | None) -> None:
        """Make the dialling phone's call the answer of session (or refuse it)."""
        agent = self.board.acd.agents[extension]
        if session is None:
            leg.end(404, "Nothing to pick up")
            return
        if agent.state in BUSY or agent.engaged:
            leg.end(486, "Busy")
            return
        own = session.ringing.pop(extension, None)
        if own is not None:  # they were being rung too: this call replaces that ring
            own.stopped = "picked up"
            if session.state == QUEUE_RINGING:
                self.board.acd.ring_stopped(extension)
            own.end(487)
        others = sorted(session.ringing)
        if session.state == QUEUE_RINGING:
            agent.state, agent.call_id, leg.role = AgentState.RINGING, session.call_id, "agent"
        else:
            leg.role = extension_calls.ROLE
            self.board.engage(extension, session.call_id)
        leg.call_id, leg.extension = session.call_id, extension
        session.ringing[extension] = leg
        self.board.emit(session, "call.picked_up", {"agent": extension, "from": others}, leg.leg_id)
        leg.answer(200)  # confirmed → connected like the phone that was rung

    def _ringing(self) -> list[CallSession]:
        """Return the calls ringing phones and not answered yet."""
        return [
            s
            for s in self.board.sessions.values()
            if s.state in PICKABLE and s.agent_leg is None and s.ringing
        ]

    def _ringing_in_my_queues(self, extension: str) -> CallSession | None:
        """Return the oldest call ringing for one of my queues or a member of one."""
        queues = set(self.board.acd.queues_of(extension))
        colleagues = {
            member
            for member in self.board.acd.agents
            if member != extension and queues & set(self.board.acd.queues_of(member))
        }
        ringing = [
            s
            for s in self._ringing()
            if (s.state == QUEUE_RINGING and s.queue is not None and s.queue.name in queues)
            or (s.state == extension_calls.STATE and colleagues & set(s.ringing))
        ]
        return min(ringing, key=lambda s: s.started_at, default=None)
