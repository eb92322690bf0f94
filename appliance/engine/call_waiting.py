"""Call waiting: which calls a phone is in, and whether a colleague's call may ring it.

Off (the default), a phone in a call, or ringing, is busy to colleagues (486 or the
busy forward).  On (the agent's `call_waiting`), a colleague's call rings it while it
is in one call — the phone shows the second call and the user switches between them
— but not while it rings for another call, nor when it is in two already.  Queues
never ring a phone in a call either way: the phone stays engaged while it is in any.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.acd import BUSY, AgentStatus
from appliance.callflow.const import AgentState

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

MAX_CALLS = 2  # a call and one waiting


def calls_of(board: Switchboard, extension: str) -> list[str]:
    """Return the ids of the live calls extension's phone is in or rung for, oldest first."""
    ids = []
    for session in sorted(board.sessions.values(), key=lambda s: s.started_at):
        if session.finished or session.state == "ending":
            continue
        rung = any(leg.extension == extension and not leg.ended for leg in session.legs())
        own = session.from_number == extension and session.direction != "inbound"
        if rung or (own and not session.caller.ended):
            ids.append(session.call_id)
    return ids


def ringing(board: Switchboard, extension: str) -> bool:
    """Return true if extension's phone is ringing for a call now."""
    return any(
        leg.answered_at is None and not leg.ended
        for session in board.sessions.values()
        if (leg := session.ringing.get(extension)) is not None
    )


def busy(board: Switchboard, agent: AgentStatus) -> bool:
    """Return true if a colleague's call cannot ring the agent's phone now."""
    in_call = bool(agent.engaged) or agent.state in BUSY
    if not (agent.call_waiting and in_call):
        return in_call
    if agent.state == AgentState.RINGING or ringing(board, agent.extension):
        return True
    return len(calls_of(board, agent.extension)) >= MAX_CALLS
