"""Routing by a queue's rules and region map, over the ACD's live state.

At queue entry (`route`), and again for callers already waiting (`reroute_waiting`):
"if group 1 has more than 25 waiting and group 2 has at least 4 idle agents" can
become true while people wait, and it should move them then, not only newcomers.

Region routing (按归属地转接) is done here, not by a strategy: a strategy picks one
of a queue's agents, while a region picks the group (queue).  A queue's region map
``{"Beijing": "queue:north"}`` becomes rules placed after the queue's own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from appliance.callflow import rules

if TYPE_CHECKING:
    from appliance.callflow.acd import Acd, QueueConfig, Waiting


def compile_rules(queue: QueueConfig) -> list[rules.Rule]:
    """Return a queue's rules, then one per region mapping, parsed (KeyError if malformed)."""
    compiled = [
        rules.parse_rule(
            queue.name, spec.get("position", i + 1), spec.get("conditions"), spec.get("action")
        )
        for i, spec in enumerate(queue.rules)
    ]
    for region, target in queue.regions.items():
        label = f"region {region!r} of queue {queue.name!r}"
        conditions = [{"region": region}]
        compiled.append(rules.parse_rule(queue.name, 0, conditions, {"target": target}, label))
    return compiled


def route(
    acd: Acd, queue: str, number: str, now: float, clock: datetime, caller: str = ""
) -> rules.Decision:
    """Return where a caller entering queue goes, by the queues' rules and region maps.

    `clock` is the box's local time (time-of-day conditions).  The priority the
    decision carries is at least the caller's VIP tier (VIPs first, 按客户转接).
    """
    customer = acd.callers.customer(number)
    vip = customer.vip if customer else 0

    def situation() -> rules.Situation:
        """Return the state the rules look at, taken once when first needed."""
        in_region: Callable[[str], bool] = lambda r: acd.callers.in_region(number, r)  # noqa: E731
        return rules.Situation(loads(acd, now, caller), clock, vip, in_region)

    decision = rules.resolve(queue, acd.rules_of, situation)
    if vip and (decision.priority is None or decision.priority < vip):
        return rules.Decision(decision.queue, decision.ivr, vip, decision.hops)
    return decision


def reroute_waiting(
    acd: Acd, now: float, clock: datetime, move: Callable[[Waiting, rules.Decision], None]
) -> int:
    """Apply the rules again to callers waiting (not being rung); return how many moved.

    Callers are taken in serving order, one decision at a time: `move` carries out
    each (taking the caller out of line and into their new queue, ringing whom it
    can), so the next decision sees the queues as that move left them.  As at entry,
    the caller being routed is not among the waiting callers the rules count.
    """
    rung = {a.call_id for a in acd.agents.values() if a.call_id}
    moved = 0
    for entry in list(acd.waiting):
        if entry.call_id in rung or not acd.rules_of(entry.queue) or entry not in acd.waiting:
            continue
        decision = route(acd, entry.queue, entry.number, now, clock, entry.call_id)
        if decision.hops:
            move(entry, decision)
            moved += 1
            rung = {a.call_id for a in acd.agents.values() if a.call_id}
    return moved


def loads(acd: Acd, now: float, caller: str = "") -> dict[str, rules.QueueLoad]:
    """Return each queue's waiting callers (but caller), longest wait, idle and logged-in agents."""
    waiting = dict.fromkeys(acd.queues, 0)
    oldest: dict[str, float] = {}
    for entry in acd.waiting:
        if entry.call_id == caller:
            continue
        waiting[entry.queue] = waiting.get(entry.queue, 0) + 1
        oldest[entry.queue] = min(oldest.get(entry.queue, now), entry.joined_at)
    result = {}
    for name, config in acd.queues.items():
        members = [a for ext in config.members if (a := acd.agents.get(ext)) is not None]
        result[name] = rules.QueueLoad(
            waiting[name],
            now - oldest.get(name, now),
            sum(a.available(now) for a in members),
            sum(a.logged_in() for a in members),
        )
    return result
