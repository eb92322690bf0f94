"""An agent's time and calls over a period, from the engine's events.

Agent events (``call_id`` "", data ``agent``): ``agent.state`` {state, reason?,
call_id?}; a state lasts until the agent's next ``agent.state``.  Call events with
data ``agent``: ``agent.answered`` (a call handled), ``call.held`` / ``call.resumed``
(hold, taken out of talk time); ``transfer.started`` {by} (a transfer made).
Pass the agent's events from their last state change before the period on: every
time is clipped to [start, end).  Formulas: docs/metrics.md, "Agents".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.const import AgentState

Event = Mapping[str, Any]


@dataclass(frozen=True)
class AgentFigures:
    """One agent's seconds per state and calls over a period."""

    logged_in: float = 0.0  # every state but logged_out
    ready: float = 0.0  # waiting for a call
    not_ready: dict[str, float] = field(default_factory=dict)  # by reason ("" when none)
    ringing: float = 0.0
    talk: float = 0.0  # on a call, hold left out
    hold: float = 0.0
    wrap_up: float = 0.0
    calls_handled: int = 0  # calls they answered (or took by transfer or pickup)
    transfers: int = 0  # transfers they started
    occupancy: float | None = None  # percent, see occupancy()


def _clip(a: float, b: float, start: float, end: float) -> float:
    """Return the length of [a, b) inside [start, end)."""
    return max(0.0, min(b, end) - max(a, start))


def _state_key(data: Mapping[str, Any]) -> tuple[str, str]:
    """Return (state, reason) as counted: not ready and do-not-disturb are one state."""
    state = str(data.get("state", ""))
    if state == AgentState.DND:
        return AgentState.NOT_READY.value, "dnd"
    if state == AgentState.NOT_READY:
        return state, str(data.get("reason") or "")
    return state, ""


def state_seconds(
    agent: str, events: Iterable[Event], start: float, end: float
) -> dict[tuple[str, str], float]:
    """Return the agent's seconds per (state, reason) inside [start, end)."""
    changes = sorted(
        (e for e in events if e["kind"] == "agent.state" and e["data"].get("agent") == agent),
        key=lambda e: e["at"],
    )
    totals: dict[tuple[str, str], float] = {}
    ends = [e["at"] for e in changes[1:]] + [end] if changes else []
    for event, until in zip(changes, ends, strict=True):
        key = _state_key(event["data"])
        totals[key] = totals.get(key, 0.0) + _clip(event["at"], until, start, end)
    return totals


def hold_seconds(agent: str, events: Iterable[Event], start: float, end: float) -> float:
    """Return the time the agent held callers inside [start, end) (open holds end at end)."""
    held: dict[str, float] = {}
    total = 0.0
    for event in sorted(events, key=lambda e: e["at"]):
        call, kind = event.get("call_id", ""), event["kind"]
        if kind == "call.held" and event["data"].get("agent") == agent:
            held.setdefault(call, event["at"])
        elif kind in ("call.resumed", "call.ended") and call in held:
            total += _clip(held.pop(call), event["at"], start, end)
    return total + sum(_clip(at, end, start, end) for at in held.values())


def occupancy(talk: float, hold: float, wrap_up: float, available: float) -> float | None:
    """Return (talk + hold + wrap-up) / available in percent; None with no time available."""
    return round(100.0 * (talk + hold + wrap_up) / available, 1) if available > 0 else None


def agent_figures(agent: str, events: Iterable[Event], start: float, end: float) -> AgentFigures:
    """Return the agent's figures over [start, end) from agent and call events."""
    events = list(events)
    states = state_seconds(agent, events, start, end)
    not_ready = {r: s for (st, r), s in states.items() if st == AgentState.NOT_READY and s}
    hold = hold_seconds(agent, events, start, end)
    on_call = states.get((AgentState.ON_CALL.value, ""), 0.0)
    wrap = states.get((AgentState.WRAP_UP.value, ""), 0.0)
    logged_in = sum(s for (st, _), s in states.items() if st != AgentState.LOGGED_OUT)
    in_range = [e for e in events if start <= e["at"] < end]
    return AgentFigures(
        logged_in=round(logged_in, 3),
        ready=round(states.get((AgentState.READY.value, ""), 0.0), 3),
        not_ready={r: round(s, 3) for r, s in sorted(not_ready.items())},
        ringing=round(states.get((AgentState.RINGING.value, ""), 0.0), 3),
        talk=round(max(0.0, on_call - hold), 3),
        hold=round(hold, 3),
        wrap_up=round(wrap, 3),
        calls_handled=sum(
            e["kind"] == "agent.answered" and e["data"].get("agent") == agent for e in in_range
        ),
        transfers=sum(
            e["kind"] == "transfer.started" and e["data"].get("by") == agent for e in in_range
        ),
        occupancy=occupancy(
            max(0.0, on_call - hold), hold, wrap, logged_in - sum(not_ready.values())
        ),
    )
