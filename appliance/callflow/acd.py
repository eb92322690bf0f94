"""Automatic call distribution: who waits, who is free, who rings next.

`Acd` holds the live state of queues and agents for one engine.  The engine tells
it what happened (a caller joined, a phone registered, an agent answered or hung
up) and asks `assignments` which agents to ring for which callers.  Callers are
served in order of priority, then arrival, across all queues, so the oldest caller
waiting for an agent is the one that agent gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.callflow import strategies
from appliance.callflow.const import AgentState

# After a ring that was not answered, the agent is skipped this long, so one
# absent agent does not hold up the queue by being rung again and again.
RING_RETRY_SECONDS = 5.0
LOGGED_IN = {
    AgentState.READY,
    AgentState.NOT_READY,
    AgentState.RINGING,
    AgentState.ON_CALL,
    AgentState.WRAP_UP,
}


@dataclass
class QueueConfig:
    """A queue's settings as the ACD needs them."""

    name: str
    strategy: str = "longest_idle"
    members: dict[str, int] = field(default_factory=dict)  # extension -> penalty
    ring_seconds: int = 20
    max_wait_seconds: int = 600
    wrap_up_seconds: int = 0
    record: bool = True
    music_class: str = "default"


@dataclass
class AgentStatus:
    """One agent's live status."""

    extension: str
    name: str = ""
    state: AgentState = AgentState.LOGGED_OUT
    registered: bool = False
    idle_since: float = 0.0
    retry_after: float = 0.0
    calls_taken: int = 0
    call_id: str | None = None
    auto_ready: bool = False  # logged in and ready as soon as the phone registers

    def available(self, now: float) -> bool:
        """Return true if the agent can be rung now."""
        return self.registered and self.state == AgentState.READY and now >= self.retry_after


@dataclass
class Waiting:
    """A caller waiting in a queue."""

    call_id: str
    queue: str
    joined_at: float
    priority: int = 0


class Acd:
    """Queues, agents and waiting callers of one engine."""

    def __init__(self) -> None:
        self.queues: dict[str, QueueConfig] = {}
        self.agents: dict[str, AgentStatus] = {}
        self.waiting: list[Waiting] = []
        self._strategies: dict[str, strategies.Strategy] = {}

    def configure(self, queues: list[QueueConfig], agents: dict[str, AgentStatus]) -> None:
        """Apply configuration from the store, keeping live state of agents that remain."""
        self.queues = {q.name: q for q in queues}
        self._strategies = {q.name: strategies.get(q.strategy) for q in queues}
        for ext, fresh in agents.items():
            live = self.agents.get(ext)
            if live is None:
                self.agents[ext] = fresh
            else:
                live.name, live.auto_ready = fresh.name, fresh.auto_ready
                if live.state not in (AgentState.RINGING, AgentState.ON_CALL):
                    live.state = fresh.state
        for ext in set(self.agents) - set(agents):
            del self.agents[ext]

    def queues_of(self, extension: str) -> list[str]:
        """Return the names of the queues extension serves."""
        return [q.name for q in self.queues.values() if extension in q.members]

    def set_registered(self, extension: str, registered: bool, now: float) -> bool:
        """Record a phone (un)registering; return true if it changed."""
        agent = self.agents.get(extension)
        if agent is None or agent.registered == registered:
            return False
        agent.registered = registered
        if registered:
            agent.idle_since = agent.idle_since or now
            if agent.auto_ready and agent.state == AgentState.LOGGED_OUT:
                agent.state = AgentState.READY
        return True

    def set_state(self, extension: str, state: AgentState, now: float) -> None:
        """Set an agent's working state (ready, not ready, logged out) by their choice."""
        agent = self.agents[extension]
        if state == AgentState.READY and agent.state != AgentState.READY:
            agent.idle_since = now
        agent.state = state

    def staffed(self, queue: str) -> bool:
        """Return true if any member of queue is registered and logged in."""
        config = self.queues[queue]
        return any(
            (a := self.agents.get(ext)) is not None and a.registered and a.state in LOGGED_IN
            for ext in config.members
        )

    def join(self, call_id: str, queue: str, now: float, priority: int = 0) -> None:
        """Put a caller at the back of queue (raise KeyError for an unknown queue)."""
        if queue not in self.queues:
            raise KeyError(f"unknown queue {queue!r}")
        self.waiting.append(Waiting(call_id, queue, now, priority))

    def leave(self, call_id: str) -> Waiting | None:
        """Take a caller out of its queue; return its entry if it was waiting."""
        for i, entry in enumerate(self.waiting):
            if entry.call_id == call_id:
                return self.waiting.pop(i)
        return None

    def position(self, call_id: str) -> int:
        """Return the caller's 1-based position in its queue (0 if not waiting)."""
        entry = next((w for w in self.waiting if w.call_id == call_id), None)
        if entry is None:
            return 0
        ahead = [w for w in self.waiting if w.queue == entry.queue]
        return ahead.index(entry) + 1

    def assignments(self, now: float) -> list[tuple[str, str]]:
        """Return (call_id, extension) pairs to ring now, marking those agents ringing."""
        pairs: list[tuple[str, str]] = []
        busy = {a.call_id for a in self.agents.values() if a.call_id}  # callers being rung
        for entry in sorted(self.waiting, key=lambda w: (-w.priority, w.joined_at)):
            if entry.call_id in busy:
                continue
            agent = self._choose(entry, now)
            if agent is not None:
                agent.state, agent.call_id = AgentState.RINGING, entry.call_id
                busy.add(entry.call_id)
                pairs.append((entry.call_id, agent.extension))
        return pairs

    def _choose(self, entry: Waiting, now: float) -> AgentStatus | None:
        """Return the agent entry's queue strategy picks, or None if nobody is free."""
        config = self.queues[entry.queue]
        candidates = [
            strategies.Candidate(ext, a.idle_since, penalty, a.calls_taken)
            for ext, penalty in config.members.items()
            if (a := self.agents.get(ext)) is not None and a.available(now)
        ]
        if not candidates:
            return None
        return self.agents[self._strategies[entry.queue].choose(candidates, now).extension]

    def ring_failed(self, extension: str, now: float) -> None:
        """Free an agent whose phone did not answer; skip them for a few seconds."""
        agent = self.agents.get(extension)
        if agent is None or agent.state != AgentState.RINGING:
            return
        agent.state, agent.call_id = AgentState.READY, None
        agent.retry_after = now + RING_RETRY_SECONDS

    def answered(self, extension: str, call_id: str) -> None:
        """Record that extension answered call_id."""
        agent = self.agents[extension]
        agent.state, agent.call_id = AgentState.ON_CALL, call_id
        agent.calls_taken += 1
        entry = self.leave(call_id)
        if entry is not None:
            self._strategies[entry.queue].answered(extension)

    def call_finished(self, extension: str, queue: str | None, now: float) -> float:
        """Put the agent into wrap-up after a call; return its length in seconds."""
        agent = self.agents.get(extension)
        if agent is None:
            return 0.0
        wrap = float(self.queues[queue].wrap_up_seconds) if queue in self.queues else 0.0
        agent.call_id = None
        agent.state = AgentState.WRAP_UP if wrap > 0 else AgentState.READY
        agent.idle_since = now + wrap
        return wrap

    def wrap_up_done(self, extension: str) -> None:
        """End an agent's wrap-up (they are ready again)."""
        agent = self.agents.get(extension)
        if agent is not None and agent.state == AgentState.WRAP_UP:
            agent.state = AgentState.READY
