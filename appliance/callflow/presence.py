"""Whether a queue has the agents its join and stay rules ask for."""

from __future__ import annotations

from appliance.callflow.acd import LOGGED_IN, AgentStatus
from appliance.callflow.const import AgentState
from appliance.callflow.queue_options import Presence


def present(
    condition: Presence, members: dict[str, int], agents: dict[str, AgentStatus], now: float
) -> bool:
    """Return true if the members of a queue meet condition."""
    if condition == Presence.ALWAYS:
        return True
    there = [a for ext in members if (a := agents.get(ext)) is not None and a.registered]
    if condition == Presence.STAFFED:
        return any(a.state in LOGGED_IN for a in there)
    if condition == Presence.READY:
        return any(a.state in LOGGED_IN and a.state != AgentState.NOT_READY for a in there)
    return any(a.available(now) for a in there)


def serving(members: dict[str, int], agents: dict[str, AgentStatus]) -> int:
    """Return how many members take calls now or soon (logged in, not paused)."""
    return sum(
        1
        for ext in members
        if (a := agents.get(ext)) is not None
        and a.registered
        and a.state in LOGGED_IN
        and a.state != AgentState.NOT_READY
    )
