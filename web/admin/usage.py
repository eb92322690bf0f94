"""Who uses a queue, a schedule or an agent: the reasons a delete is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from appliance.callflow.inbound_rules import parse_all as parse_rules
from appliance.store.models import Agent, InboundNumber, IvrFlow, Queue, RegionGroup, RoutingRule
from web.i18n import _

# node type → the fields naming a queue (a transfer names one when `to` is queue)
QUEUE_FIELDS = {"queue": ("queue",), "callback_offer": ("queue",)}


def active_nodes() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (flow name, node id, node) of every active flow version."""
    for flow in IvrFlow.select().where(IvrFlow.active == True):  # noqa: E712
        nodes = flow.graph.get("nodes") if isinstance(flow.graph, dict) else None
        for node_id, node in (nodes or {}).items():
            if isinstance(node, dict):
                yield flow.name, str(node_id), node


def _names_queue(node: dict[str, Any], queue: str) -> bool:
    """Return true if an IVR node sends callers to queue."""
    kind = node.get("type")
    if kind == "transfer":
        return node.get("to") == "queue" and node.get("target") == queue
    return any(node.get(f) == queue for f in QUEUE_FIELDS.get(str(kind), ()))


def queue_users(name: str, queue_id: int | None = None) -> list[str]:
    """Return what sends callers to the queue: IVR nodes, inbound numbers, other queues."""
    found = [
        _("IVR flow %(flow)s, node %(node)s", flow=flow, node=node_id)
        for flow, node_id, node in active_nodes()
        if _names_queue(node, name)
    ]
    numbers = InboundNumber.select().where(
        (InboundNumber.target_type == "queue") & (InboundNumber.target == name)
    )
    found += [_("inbound number %(number)s", number=n.number) for n in numbers]
    found += number_rule_users("queue", name)
    target = f"queue:{name}"
    others = Queue.select().where((Queue.overflow == target) | (Queue.exit_target == target))
    if queue_id is not None:
        others = others.where(Queue.id != queue_id)
    found += [_("queue %(name)s (overflow or exit)", name=q.name) for q in others]
    return found + _routing_users(target, queue_id)


def _routing_users(target: str, queue_id: int | None) -> list[str]:
    """Return the other queues whose routing rules or region groups send callers to target."""
    regions = RegionGroup.select(RegionGroup, Queue).join(Queue).where(RegionGroup.target == target)
    rules = RoutingRule.select(RoutingRule, Queue).join(Queue)
    found = [
        _("queue %(name)s (routing)", name=r.queue.name)
        for r in [*regions, *(r for r in rules if (r.action or {}).get("target") == target)]
        if r.queue.id != queue_id
    ]
    return list(dict.fromkeys(found))


def schedule_users(name: str) -> list[str]:
    """Return the IVR nodes branching on the schedule and extensions calling out in its hours."""
    nodes = [
        _("IVR flow %(flow)s, node %(node)s", flow=flow, node=node_id)
        for flow, node_id, node in active_nodes()
        if node.get("type") == "time_condition" and node.get("schedule") == name
    ]
    agents = Agent.select().where(Agent.call_hours == name).order_by(Agent.extension)
    return nodes + [_("calls out of extension %(ext)s", ext=a.extension) for a in agents]


def flow_users(name: str) -> list[str]:
    """Return the inbound numbers running the flow."""
    numbers = InboundNumber.select().where(
        (InboundNumber.target_type == "ivr") & (InboundNumber.target == name)
    )
    return [_("inbound number %(number)s", number=n.number) for n in numbers]


def number_rule_users(kind: str, name: str) -> list[str]:
    """Return the inbound numbers whose rules by caller and time send calls to kind name."""
    numbers = InboundNumber.select().where(InboundNumber.rules != "").order_by(InboundNumber.number)
    return [
        _("inbound number %(number)s (rule on line %(line)s)", number=n.number, line=rule.line)
        for n in numbers
        for rule in parse_rules(n.rules)[0]
        if (rule.target_type, rule.target) == (kind, name)
    ]
