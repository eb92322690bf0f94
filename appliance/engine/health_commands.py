"""Control commands for the watchdog: what the engine holds live, and repairs of stuck state.

``health.live`` is read-only: every agent ringing or on a call with whether that call
and the agent's leg in it are live, every live call, and the longest ring timeout.
The watchdog compares it with the store (docs/watchdog.md) and asks for a repair:

- ``health.free_agent`` (extension, call_id): free an agent still marked ringing or on
  call_id although the engine holds no such call, or no leg of theirs in it, or has
  rung them past every ring timeout (refused for an agent talking on a live call);
- ``health.close_call`` (call_id): end a live call (its legs hung up, ``call.ended`` and
  its CDR written, by "watchdog").

Both refuse (``not-stuck``) when the state changed since the watchdog looked, so a
repair never touches an agent or call that has moved on.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from appliance.callflow.const import AgentState
from appliance.engine.control import CommandError

if TYPE_CHECKING:
    from appliance.engine.manager import Engine
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
REPLY_SECONDS = 5.0
BUSY = (AgentState.RINGING, AgentState.ON_CALL)


class HealthCommands:
    """Answer the watchdog's control commands for one engine."""

    def __init__(self, engine: Engine) -> None:
        """Serve the commands of engine."""
        self.engine = engine
        self.table = {
            "health.live": self.live,
            "health.free_agent": self.free_agent,
            "health.close_call": self.close_call,
        }

    def _on_engine(self, fn: Any) -> Any:
        """Run fn on the engine thread and return its result."""
        return self.engine.reactor.submit(fn).result(REPLY_SECONDS)

    def live(self) -> dict[str, Any]:
        """Return the agents ringing or on a call, the live calls and the longest ring timeout."""
        return dict(self._on_engine(lambda: live_state(self.engine.board)))

    def free_agent(self, extension: str = "", call_id: str = "") -> dict[str, Any]:
        """Free an agent still busy with call_id; refuse if they are no longer."""
        return dict(self._on_engine(lambda: free_agent(self.engine.board, extension, call_id)))

    def close_call(self, call_id: str = "") -> dict[str, Any]:
        """End the live call call_id on the watchdog's behalf."""
        return dict(self._on_engine(lambda: close_call(self.engine.board, call_id)))


def live_state(board: Switchboard) -> dict[str, Any]:
    """Return the `health.live` answer (engine thread)."""
    agents = []
    for agent in board.acd.agents.values():
        if agent.state in BUSY:
            call_id = agent.call_id or ""
            agents.append({"extension": agent.extension, "state": str(agent.state),
                           "call_id": call_id, "call_live": call_id in board.sessions,
                           "has_leg": _has_leg(board, agent.extension, call_id)})  # fmt: skip
    calls = [
        {"call_id": s.call_id, "started_at": s.started_at, "legs": len(s.legs())}
        for s in board.sessions.values()
    ]
    return {"at": time.time(), "agents": agents, "calls": calls, "ring_limit": ring_limit(board)}


def _has_leg(board: Switchboard, extension: str, call_id: str) -> bool:
    """Return true if the live call call_id has a leg to the agent's phone."""
    session = board.sessions.get(call_id)
    return session is not None and any(leg.extension == extension for leg in session.legs())


def ring_limit(board: Switchboard) -> int:
    """Return the longest an agent may ring: the largest queue or forwarding ring timeout."""
    limits = [q.ring_seconds for q in board.acd.queues.values()]
    limits += [a.forward_ring_seconds for a in board.acd.agents.values()]
    return max(limits, default=0)


def free_agent(board: Switchboard, extension: str, call_id: str) -> dict[str, Any]:
    """Put an agent stuck with call_id back to ready (engine thread)."""
    agent = board.acd.agents.get(extension)
    if agent is None:
        raise CommandError("no-such-agent", f"no agent with extension {extension!r}")
    if agent.state not in BUSY or (agent.call_id or "") != call_id:
        raise CommandError("not-stuck", f"agent {extension} is {agent.state}, not on {call_id!r}")
    if agent.state == AgentState.ON_CALL and _has_leg(board, extension, call_id):
        raise CommandError("not-stuck", f"agent {extension} is talking on live call {call_id}")
    was = str(agent.state)
    if agent.state == AgentState.RINGING:
        board.acd.ring_stopped(extension)
    else:
        board.acd.call_finished(extension, None, time.time())
    log.warning("watchdog freed agent %s (%s on %s)", extension, was, call_id)
    board.emit_agent(extension, "agent.freed", {"was": was, "call_id": call_id, "by": "watchdog"})
    board.agent_changed(extension, keep=True)
    board.desk.dispatch()
    return {"extension": extension, "was": was, "state": str(agent.state)}


def close_call(board: Switchboard, call_id: str) -> dict[str, Any]:
    """End a live call with the watchdog as the one who ended it (engine thread)."""
    session = board.sessions.get(call_id)
    if session is None:
        raise CommandError("not-stuck", f"no live call {call_id!r}")
    log.warning("watchdog closes call %s (%d legs)", call_id, len(session.legs()))
    board.emit(session, "call.closed", {"by": "watchdog"})
    board.end_call(session, "watchdog", "closed by the watchdog")
    return {"call_id": call_id, "legs": len(session.legs())}
