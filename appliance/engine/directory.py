"""Read what the engine needs from the store into plain data (on a non-engine thread)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.acd import AgentStatus, QueueConfig
from appliance.callflow.const import AgentState
from appliance.callflow.customers import CallerBook
from appliance.callflow.dialplan import OutboundRoute
from appliance.callflow.hours import Schedule
from appliance.callflow.hours import is_open as hours_open
from appliance.callflow.inbound_rules import InboundRule, first_match
from appliance.callflow.inbound_rules import parse_all as parse_rules
from appliance.callflow.outbound_plan import Caller
from appliance.callflow.ring_groups import RingGroup
from appliance.engine.hours_store import load_schedules
from appliance.engine.outbound_store import outbound_extras
from appliance.engine.queue_store import PendingCallback, TrunkPeer, queue_behaviour, queue_extras
from appliance.engine.routing_data import load_callers, load_queue_routing, load_skills
from appliance.store.models import (
    Agent,
    BlockedNumber,
    InboundNumber,
    IvrFlow,
    Queue,
    QueueMember,
    SpeedDial,
    Trunk,
)
from appliance.store.models import RingGroup as RingGroupRow

log = logging.getLogger(__name__)


@dataclass
class Route:
    """Where calls to one dialled number go (rules by caller and time first)."""

    number: str
    target_type: str  # ivr | queue | agent | group | voicemail
    target: str
    flow: dict[str, Any] | None = None
    flow_version: int = 0
    rules: list[InboundRule] = field(default_factory=list)  # inbound_rules.py, in order
    rule: InboundRule | None = None  # the rule this route came from (route_for)


@dataclass
class Directory:
    """A snapshot of the engine's configuration."""

    routes: dict[str, Route] = field(default_factory=dict)
    queues: list[QueueConfig] = field(default_factory=list)
    agents: dict[str, AgentStatus] = field(default_factory=dict)
    trunk_peers: set[str] = field(default_factory=set)  # IP addresses
    callers: CallerBook = field(default_factory=CallerBook)  # customers, who served whom
    handle_times: dict[str, list[float]] = field(default_factory=dict)  # queue -> recent talk s
    outbound: TrunkPeer | None = None  # calls out go through this trunk
    callbacks: list[PendingCallback] = field(default_factory=list)  # waiting in the store
    schedules: dict[str, Schedule] = field(default_factory=dict)  # business hours by name
    routes_out: list[OutboundRoute] = field(default_factory=list)  # calls out, in order
    trunks: dict[str, TrunkPeer] = field(default_factory=dict)  # enabled trunks by name
    callers_out: dict[str, Caller] = field(default_factory=dict)  # extension -> class of service
    blocked: list[str] = field(default_factory=list)  # calling numbers refused (blacklist.py)
    speed_dials: dict[str, str] = field(default_factory=dict)  # *0<code> -> number
    groups: dict[str, RingGroup] = field(default_factory=dict)  # ring groups by number
    flows: dict[str, tuple[dict[str, Any], int]] = field(default_factory=dict)  # active: graph, v

    def route(self, number: str) -> Route | None:
        """Return the route for a dialled number."""
        return self.routes.get(number)

    def route_for(self, number: str, caller: str, now: float) -> Route | None:
        """Return where a call from caller to number goes now: its first matching rule's
        target, else the number's own (None: not an inbound number)."""
        route = self.routes.get(number)
        if route is None or not route.rules:
            return route

        def is_open(name: str) -> bool | None:
            schedule = self.schedules.get(name)
            return None if schedule is None else hours_open(schedule, now)

        rule = first_match(route.rules, caller, is_open)
        if rule is None:
            return route
        flow = self.flows.get(rule.target) if rule.target_type == "ivr" else None
        return Route(number, rule.target_type, rule.target, flow[0] if flow else None,
                     flow[1] if flow else 0, rule=rule)  # fmt: skip


def load_groups() -> dict[str, RingGroup]:
    """Return the ring groups by number."""
    return {
        g.number: RingGroup(
            g.number, g.name, g.strategy, tuple(g.members), g.ring_seconds, g.no_answer
        )
        for g in RingGroupRow.select()
    }


def load_directory() -> Directory:
    """Return the current configuration from the bound store."""
    flows = {f.name: f for f in IvrFlow.select().where(IvrFlow.active == True)}  # noqa: E712
    routes = {}
    for n in InboundNumber.select():
        flow = flows.get(n.target) if n.target_type == "ivr" else None
        number_rules, errors = parse_rules(n.rules)
        for error in errors:  # the admin form refuses these; a hand-edited store may not
            log.error("inbound number %s: rule ignored: %s", n.number, error)
        routes[n.number] = Route(
            n.number,
            n.target_type,
            n.target,
            flow.graph if flow else None,
            flow.version if flow else 0,
            number_rules,
        )
    members: dict[str, dict[str, int]] = {}
    query = (
        QueueMember.select(QueueMember, Agent, Queue).join(Agent).switch(QueueMember).join(Queue)
    )
    for m in query.where(QueueMember.logged_in == True):  # noqa: E712  (logged out: not rung)
        members.setdefault(m.queue.name, {})[m.agent.extension] = m.penalty
    rules, regions = load_queue_routing()
    queues = [
        QueueConfig(
            q.name,
            q.strategy,
            members.get(q.name, {}),
            q.ring_seconds,
            q.max_wait_seconds,
            q.wrap_up_seconds,
            q.record,
            q.music_class,
            q.autopause_after,
            q.max_callers,
            q.overflow,
            skills=q.skills,
            skill_widen=q.skill_widen,
            sticky_days=q.sticky_days,
            preferred_wait_seconds=q.preferred_wait_seconds,
            rules=rules.get(q.name, []),
            regions=regions.get(q.name, {}),
            behaviour=queue_behaviour(q),
        )
        for q in Queue.select()
    ]
    skills = load_skills()
    agents = {
        a.extension: AgentStatus(
            a.extension,
            a.name,
            AgentState(a.state),
            auto_ready=a.auto_ready,
            reason=a.state_reason,
            wrap_up_seconds=a.wrap_up_seconds,
            skills=skills.get(a.extension, {}),
            forward_to=a.forward_to,
            forward_busy=a.forward_busy,
            forward_no_answer=a.forward_no_answer,
            forward_ring_seconds=a.forward_ring_seconds,
            call_waiting=a.call_waiting,
        )
        for a in Agent.select()
    }
    peers = {t.host for t in Trunk.select().where(Trunk.enabled == True)}  # noqa: E712
    return Directory(
        routes,
        queues,
        agents,
        peers,
        load_callers(queues),
        **queue_extras(),
        schedules=load_schedules(),
        **outbound_extras(),
        blocked=[b.number for b in BlockedNumber.select().order_by(BlockedNumber.number)],
        speed_dials={d.code: d.number for d in SpeedDial.select()},
        groups=load_groups(),
        flows={name: (f.graph, f.version) for name, f in flows.items()},
    )
