"""Automatic call distribution: who waits, who is free, who rings next.

`Acd` holds the live state of queues and agents for one engine.  The engine tells
it what happened (a caller joined, a phone registered, an agent answered or hung
up) and asks `assignments` which agents to ring for which callers.  Callers are
served in order of priority, then arrival, across all queues, so the oldest caller
waiting for an agent is the one that agent gets.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow import rules, strategies
from appliance.callflow.const import AgentState
from appliance.callflow.customers import CallerBook
from appliance.callflow.extensions import DEFAULT_RING_SECONDS, Forwarding
from appliance.callflow.queue_options import QueueBehaviour
from appliance.callflow.routing import compile_rules
from appliance.callflow.skills import check_requirements, qualifies, relaxation
from appliance.callflow.targets import check_queues

# After a ring that was not answered, the agent is skipped this long, so one
# absent agent does not hold up the queue by being rung again and again.
RING_RETRY_SECONDS = 5.0
LOGGED_IN = {
    AgentState.READY,
    AgentState.NOT_READY,
    AgentState.RINGING,
    AgentState.ON_CALL,
    AgentState.WRAP_UP,
    AgentState.DND,
}
BUSY = {AgentState.RINGING, AgentState.ON_CALL}  # a state chosen now applies after the call
OCCUPIED = {*BUSY, AgentState.WRAP_UP}  # still on their last call: worth waiting for


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
    autopause_after: int = 3  # unanswered rings in a row before the agent is paused; 0: never
    max_callers: int = 0  # callers waiting at most (0: no limit)
    overflow: str = ""  # past max wait or max callers: "queue:<name>", "ivr:<node>", "" (end)
    skills: dict[str, int] = field(default_factory=dict)  # required levels (see skills.py)
    skill_widen: list[Any] = field(default_factory=list)  # [[seconds waited, levels relaxed]]
    sticky_days: int = 30  # how far back the sticky strategy remembers who served a caller
    preferred_wait_seconds: int = 0  # how long a caller is kept for a busy owner / last agent
    rules: list[dict[str, Any]] = field(default_factory=list)  # {position, conditions, action}
    regions: dict[str, str] = field(default_factory=dict)  # caller's region -> target
    behaviour: QueueBehaviour = field(default_factory=QueueBehaviour)  # what callers hear and do


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
    talk_seconds: float = 0.0
    answered_at: float = 0.0
    call_id: str | None = None
    auto_ready: bool = False  # logged in and ready as soon as the phone registers
    reason: str = ""  # why not ready (a reason code chosen by the agent, or the box's)
    wrap_up_seconds: int | None = None  # the agent's own wrap-up, over the queue's
    unanswered: int = 0  # rings not answered in a row
    after_call: tuple[AgentState, str] | None = None  # state chosen during a call, for after it
    engaged: str = ""  # a call the agent's phone is in outside queue service (own, monitoring)
    skills: dict[str, int] = field(default_factory=dict)  # skill -> level
    forward_to: str = ""  # direct calls go to this number instead
    forward_busy: str = ""  # ... when the agent is in a call or DND
    forward_no_answer: str = ""  # ... when unanswered or not registered
    forward_ring_seconds: int = DEFAULT_RING_SECONDS  # before forward_no_answer
    call_waiting: bool = False  # a colleague's call rings while the phone is in a call

    def forwarding(self) -> Forwarding:
        """Return where the agent's direct calls go instead of, or after, ringing them."""
        return Forwarding(
            self.forward_to, self.forward_busy, self.forward_no_answer, self.forward_ring_seconds
        )

    def available(self, now: float) -> bool:
        """Return true if the agent can be rung now."""
        return (
            self.registered
            and self.state == AgentState.READY
            and now >= self.retry_after
            and not self.engaged
        )

    def logged_in(self) -> bool:
        """Return true if the agent's phone is registered and they are logged in."""
        return self.registered and self.state in LOGGED_IN


@dataclass
class Waiting:
    """A caller waiting in a queue."""

    call_id: str
    queue: str
    joined_at: float
    priority: int = 0
    number: str = ""
    vip: int = 0  # the customer's VIP tier
    owner: str = ""  # the customer's owner agent
    last_agent: str = ""  # who answered this number last, within the queue's sticky days
    skills: dict[str, int] = field(default_factory=dict)  # the caller's own needs (IVR choice)


class Acd:
    """Queues, agents and waiting callers of one engine."""

    def __init__(self) -> None:
        self.queues: dict[str, QueueConfig] = {}
        self.agents: dict[str, AgentStatus] = {}
        self.waiting: list[Waiting] = []
        self._strategies: dict[str, strategies.Strategy] = {}
        self._rules: dict[str, list[rules.Rule]] = {}
        self._widen: dict[str, list[tuple[float, int]]] = {}
        self.callers = CallerBook()

    def configure(
        self,
        queues: list[QueueConfig],
        agents: dict[str, AgentStatus],
        callers: CallerBook | None = None,
    ) -> None:
        """Apply configuration from the store, keeping live state of agents that remain.

        A queue that keeps its strategy keeps the strategy object (and its memory, e.g.
        round-robin's last agent).  An unknown strategy, a malformed skill requirement
        or rule, or a target naming a missing queue raises KeyError before anything
        changes.  `callers` (customers, who served whom) replaces the book, keeping
        answers the live book knows of and the new one does not.
        """
        chosen = {q.name: self._strategy_for(q) for q in queues}
        check_queues(queues)  # targets, exit keys, join/stay rules, callback policy
        names = {q.name for q in queues}
        compiled = {q.name: compile_rules(q) for q in queues}
        for queue_rules in compiled.values():
            rules.check_rules(queue_rules, names)
        widen = {q.name: check_requirements(q.name, q.skills, q.skill_widen) for q in queues}
        self.queues = {q.name: q for q in queues}
        self._strategies = chosen
        self._rules, self._widen = compiled, widen
        if callers is not None:
            callers.merge_from(self.callers)
            self.callers = callers
        for ext, fresh in agents.items():
            live = self.agents.get(ext)
            if live is None:
                self.agents[ext] = fresh
            else:
                live.name, live.auto_ready = fresh.name, fresh.auto_ready
                live.wrap_up_seconds = fresh.wrap_up_seconds
                live.forward_to = fresh.forward_to
                live.forward_busy, live.forward_no_answer = (
                    fresh.forward_busy,
                    fresh.forward_no_answer,
                )
                live.forward_ring_seconds = fresh.forward_ring_seconds
                live.call_waiting = fresh.call_waiting
                live.skills = fresh.skills
                if live.state not in (AgentState.RINGING, AgentState.ON_CALL):
                    live.state, live.reason = fresh.state, fresh.reason
        for ext in set(self.agents) - set(agents):
            del self.agents[ext]

    def _strategy_for(self, queue: QueueConfig) -> strategies.Strategy:
        """Return the queue's current strategy object if unchanged, else a new one."""
        current = self._strategies.get(queue.name)
        if current is not None and current.name == queue.strategy:
            return current
        return strategies.get(queue.strategy)

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

    def set_state(self, extension: str, state: AgentState, now: float, reason: str = "") -> None:
        """Set an agent's working state (ready, not ready, DND, logged out) and its reason.

        Chosen while ringing or on a call, it applies when the call ends: the state
        supervisors see stays what the agent is doing.
        """
        agent = self.agents[extension]
        if agent.state in BUSY:
            agent.after_call = None if state == AgentState.READY else (state, reason)
            return
        agent.after_call = None
        if state == AgentState.READY and agent.state != AgentState.READY:
            agent.idle_since = now
            agent.unanswered = 0
        agent.state = state
        agent.reason = "" if state == AgentState.READY else reason

    def staffed(self, queue: str) -> bool:
        """Return true if any member of queue is registered and logged in."""
        config = self.queues[queue]
        return any(
            (a := self.agents.get(ext)) is not None and a.registered and a.state in LOGGED_IN
            for ext in config.members
        )

    def full(self, queue: str) -> bool:
        """Return true if queue has as many callers waiting as it takes."""
        limit = self.queues[queue].max_callers
        return bool(limit) and sum(w.queue == queue for w in self.waiting) >= limit

    def join(
        self,
        call_id: str,
        queue: str,
        now: float,
        priority: int = 0,
        number: str = "",
        skills: dict[str, int] | None = None,
    ) -> None:
        """Put a caller in line (raise KeyError for an unknown queue).

        `waiting` is kept in serving order — priority first, then arrival — so a
        decision never sorts it.  `skills` are the caller's own requirements (e.g. a
        language chosen in the IVR), on top of the queue's, widened by the same steps.
        """
        if queue not in self.queues:
            raise KeyError(f"unknown queue {queue!r}")
        customer = self.callers.customer(number)
        vip, owner = (customer.vip, customer.owner) if customer else (0, "")
        last = self.callers.last_agent(number, now, self.queues[queue].sticky_days)
        entry = Waiting(call_id, queue, now, max(priority, vip), number, vip, owner, last)
        entry.skills = dict(skills or {})
        bisect.insort(self.waiting, entry, key=_serving_order)

    def rules_of(self, queue: str) -> list[rules.Rule]:
        """Return the routing rules of a queue (its region map last)."""
        return self._rules.get(queue, [])

    def wake_delays(self, queue: str) -> list[float]:
        """Return when (seconds after joining) a waiting caller's options widen by time.

        Skill requirements relax at their steps, and a caller kept for a busy preferred
        agent is let go; the engine serves the queue again at these times.
        """
        config = self.queues.get(queue)
        if config is None:
            return []
        delays = [after for after, _ in self._widen.get(queue, [])]
        if config.preferred_wait_seconds > 0:
            delays.append(float(config.preferred_wait_seconds))
        return sorted(set(delays))

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
        """Return (call_id, extension) pairs to ring now, marking those agents ringing.

        A caller may appear more than once when the queue rings several agents at once.
        The round ends as soon as no agent is free, and skips callers whose queue has
        no free member, so a decision costs little however many callers wait.
        """
        pairs: list[tuple[str, str]] = []
        busy = {a.call_id for a in self.agents.values() if a.call_id}  # callers being rung
        free = {ext for ext, a in self.agents.items() if a.available(now)}
        for entry in self.waiting:
            if not free:
                break
            if free.isdisjoint(self.queues[entry.queue].members):
                continue
            cap = None  # highest penalty this caller may still ring
            if entry.call_id in busy:
                if not self._strategies[entry.queue].rings_many:
                    continue
                cap = self._ringing_penalty(entry)  # late joiners: the tier already ringing
            for agent in self._choose(entry, now, cap):
                agent.state, agent.call_id = AgentState.RINGING, entry.call_id
                busy.add(entry.call_id)
                free.discard(agent.extension)
                pairs.append((entry.call_id, agent.extension))
        return pairs

    def _choose(self, entry: Waiting, now: float, cap: int | None = None) -> list[AgentStatus]:
        """Return the agents entry's queue strategy picks (none if nobody is free)."""
        config = self.queues[entry.queue]
        relax = relaxation(self._widen.get(entry.queue, []), now - entry.joined_at)
        required = required_skills(config.skills, entry.skills)
        candidates = [
            strategies.Candidate(
                ext, a.idle_since, penalty, a.calls_taken, a.talk_seconds, order, a.skills
            )
            for order, (ext, penalty) in enumerate(config.members.items())
            if (a := self.agents.get(ext)) is not None
            and a.available(now)
            and (cap is None or penalty <= cap)
            and (not required or qualifies(a.skills, required, relax))
        ]
        if not candidates:
            return []
        caller = strategies.Caller(
            entry.call_id, entry.number, entry.joined_at, entry.priority,
            entry.vip, entry.owner, entry.last_agent, required,
        )  # fmt: skip
        strategy = self._strategies[entry.queue]
        if self._kept_for_preferred(strategy.preferred(caller), entry, candidates, now):
            return []
        chosen = strategy.choose(candidates, caller, now)
        return [self.agents[c.extension] for c in chosen]

    def _kept_for_preferred(
        self, wanted: str, entry: Waiting, candidates: list[strategies.Candidate], now: float
    ) -> bool:
        """Return true if the caller should wait for its preferred agent, who is busy."""
        if not wanted or any(c.extension == wanted for c in candidates):
            return False
        config = self.queues[entry.queue]
        agent = self.agents.get(wanted)
        return (
            agent is not None
            and wanted in config.members
            and agent.registered
            and (agent.state in OCCUPIED or bool(agent.engaged))
            and now - entry.joined_at < config.preferred_wait_seconds
        )

    def _ringing_penalty(self, entry: Waiting) -> int:
        """Return the lowest penalty among the agents ringing for a caller."""
        members = self.queues[entry.queue].members
        return min(
            (
                p
                for ext, p in members.items()
                if (a := self.agents.get(ext)) is not None and a.call_id == entry.call_id
            ),
            default=0,
        )

    def ring_failed(self, extension: str, now: float, queue: str | None = None) -> bool:
        """Free an agent whose phone did not answer; return true if that paused them.

        The agent is skipped for a few seconds; after the queue's `autopause_after`
        unanswered rings in a row they are set not ready, so one absent agent does
        not make every caller wait through their ringing.
        """
        if not self.ring_stopped(extension):
            return False
        agent = self.agents[extension]
        agent.retry_after = now + RING_RETRY_SECONDS
        agent.unanswered += 1
        limit = self.queues[queue].autopause_after if queue in self.queues else 0
        if limit and agent.unanswered >= limit:
            reason = f"auto-pause: {agent.unanswered} unanswered rings"
            self.set_state(extension, AgentState.NOT_READY, now, reason)
            return True
        return False

    def ring_stopped(self, extension: str) -> bool:
        """Free a ringing agent with no blame (a colleague answered, the caller left)."""
        agent = self.agents.get(extension)
        if agent is None or agent.state != AgentState.RINGING:
            return False
        agent.state, agent.call_id = AgentState.READY, None
        if agent.after_call is not None:
            (agent.state, agent.reason), agent.after_call = agent.after_call, None
        return True

    def reserve(self, extension: str, call_id: str, now: float) -> None:
        """Mark an agent ringing for a call sent to them by name (a transfer, a pickup).

        Raise KeyError for an unknown extension and ValueError, saying why, for an
        agent who cannot take it now.
        """
        agent = self.agents.get(extension)
        if agent is None:
            raise KeyError(f"no agent with extension {extension!r}")
        if not agent.registered:
            raise ValueError(f"agent {extension} has no phone registered")
        if agent.state != AgentState.READY:
            raise ValueError(f"agent {extension} is {agent.state.value.replace('_', ' ')}")
        agent.state, agent.call_id = AgentState.RINGING, call_id

    def answered(self, extension: str, call_id: str, now: float) -> None:
        """Record that extension answered call_id."""
        agent = self.agents[extension]
        agent.state, agent.call_id = AgentState.ON_CALL, call_id
        agent.calls_taken += 1
        agent.answered_at = now
        agent.unanswered = 0
        entry = self.leave(call_id)
        if entry is not None:
            self._strategies[entry.queue].answered(extension)
            self.callers.answered(entry.number, extension, now)

    def call_finished(self, extension: str, queue: str | None, now: float) -> float:
        """Put the agent into wrap-up after a call; return its length in seconds."""
        agent = self.agents.get(extension)
        if agent is None:
            return 0.0
        queue_wrap = self.queues[queue].wrap_up_seconds if queue in self.queues else 0
        wrap = float(queue_wrap if agent.wrap_up_seconds is None else agent.wrap_up_seconds)
        agent.talk_seconds += max(0.0, now - agent.answered_at)
        agent.call_id = None
        agent.state = AgentState.WRAP_UP if wrap > 0 else AgentState.READY
        agent.idle_since = now + wrap
        if agent.after_call is not None:
            (agent.state, agent.reason), agent.after_call = agent.after_call, None
            return 0.0
        return wrap

    def wrap_up_done(self, extension: str) -> None:
        """End an agent's wrap-up (they are ready again)."""
        agent = self.agents.get(extension)
        if agent is not None and agent.state == AgentState.WRAP_UP:
            agent.state = AgentState.READY


def required_skills(queue: dict[str, int], caller: dict[str, int]) -> dict[str, int]:
    """Return the levels a caller needs: the queue's and their own, the higher of each."""
    if not caller:
        return queue
    return {s: max(queue.get(s, 0), caller.get(s, 0)) for s in queue.keys() | caller.keys()}


def _serving_order(entry: Waiting) -> tuple[int, float]:
    """Return the key callers are served in: higher priority first, then arrival."""
    return (-entry.priority, entry.joined_at)
