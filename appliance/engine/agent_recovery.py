"""Put agents left ringing, on a call or in wrap-up by an engine crash back in a sane state.

A crash leaves two traces.  The store may hold a busy state: a state an agent chose
during a call is kept while the call lasts (`agent_changed(keep=True)` writes the live
state), and a restarted engine starts every agent from the store.  And the event log's
last `agent.state` of the agent says ringing / on_call / wrap_up for a call that no
longer exists, so reports and the wallboard would count that time on and on.  Both are
mended before the engine takes calls: the agent goes back to `ready` (they were working),
with an `agent.state` event saying why.
"""

from __future__ import annotations

import logging
import time

from peewee import Database, fn

from appliance.callflow.const import AgentState
from appliance.store.models import Agent, CallEvent

log = logging.getLogger(__name__)

BUSY_STATES = frozenset({AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP})
REASON = "engine restarted"


def reconcile_agents(database: Database) -> list[str]:
    """Mend agents a crash left busy (store and event log); return their extensions."""
    with database.atomic():
        stuck = _stuck_in_store() | _stuck_in_events()
        for extension in sorted(stuck):
            _mend(extension)
    if stuck:
        log.warning("agents left busy by an engine stop put back: %s", ", ".join(sorted(stuck)))
    return sorted(stuck)


def _stuck_in_store() -> set[str]:
    """Return agents whose stored state is a busy one (ringing, on call, wrap-up)."""
    busy = [str(s) for s in BUSY_STATES]
    return {a.extension for a in Agent.select(Agent.extension).where(Agent.state.in_(busy))}


def _stuck_in_events() -> set[str]:
    """Return agents whose last `agent.state` event is a busy one."""
    last = (
        CallEvent.select(fn.MAX(CallEvent.id))
        .where((CallEvent.call_id == "") & (CallEvent.kind == "agent.state"))
        .group_by(CallEvent.leg)
    )
    rows = CallEvent.select(CallEvent.leg, CallEvent.data).where(CallEvent.id.in_(last))
    return {row.leg for row in rows if row.data.get("state") in BUSY_STATES}


def _mend(extension: str) -> None:
    """Set one agent ready (if the store says busy) and log the state it is in now."""
    Agent.update(state=str(AgentState.READY), state_reason="").where(
        (Agent.extension == extension) & Agent.state.in_([str(s) for s in BUSY_STATES])
    ).execute()
    agent = Agent.get_or_none(Agent.extension == extension)
    state = agent.state if agent is not None else str(AgentState.LOGGED_OUT)
    reason = agent.state_reason if agent is not None else ""
    data = {"agent": extension, "state": state, "reason": reason, "recovered": REASON}
    row = {"call_id": "", "at": time.time(), "kind": "agent.state", "leg": extension, "data": data}
    CallEvent.insert(**row).execute()
