"""Read the routing data of the store (skills, customers, rules, regions, last agents).

Runs where `load_directory` runs, never on the engine thread.
"""

from __future__ import annotations

import time
from typing import Any

from peewee import JOIN, fn

from appliance.callflow.acd import QueueConfig
from appliance.callflow.customers import DAY_SECONDS, CallerBook, Customer, Served
from appliance.callflow.numbers import region_names
from appliance.store.models import Agent, AgentSkill, Cdr, Queue, RegionGroup, RoutingRule
from appliance.store.models import Customer as CustomerRow

WARM_UP_NUMBER = "+8613800138000"


def load_skills() -> dict[str, dict[str, int]]:
    """Return each agent's skill levels by extension."""
    skills: dict[str, dict[str, int]] = {}
    for row in AgentSkill.select(AgentSkill, Agent).join(Agent):
        skills.setdefault(row.agent.extension, {})[row.skill] = row.level
    return skills


def load_queue_routing() -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, str]]]:
    """Return each queue's enabled rules (by position) and its region map, by queue name."""
    rules: dict[str, list[dict[str, Any]]] = {}
    query = (
        RoutingRule.select(RoutingRule, Queue)
        .join(Queue)
        .where(RoutingRule.enabled == True)  # noqa: E712
        .order_by(RoutingRule.position, RoutingRule.id)
    )
    for rule in query:
        spec = {"position": rule.position, "conditions": rule.conditions, "action": rule.action}
        rules.setdefault(rule.queue.name, []).append(spec)
    regions: dict[str, dict[str, str]] = {}
    for group in RegionGroup.select(RegionGroup, Queue).join(Queue):
        regions.setdefault(group.queue.name, {})[group.region] = group.target
    return rules, regions


def load_callers(queues: list[QueueConfig]) -> CallerBook:
    """Return the customers and, for sticky queues, who last answered each number.

    Answers are read from the CDRs as far back as the longest `sticky_days` of a
    queue using the sticky strategy (none when no queue does).
    """
    query = CustomerRow.select(CustomerRow, Agent).join(Agent, JOIN.LEFT_OUTER)
    customers = [
        Customer(c.number, c.name, c.owner.extension if c.owner else "", c.vip, c.region, c.account)
        for c in query
    ]
    days = max((q.sticky_days for q in queues if q.strategy == "sticky"), default=0)
    served: dict[str, Served] = {}
    if days > 0:
        since = time.time() - days * DAY_SECONDS
        answers = (  # SQLite takes the agent of the row with the newest start
            Cdr.select(Cdr.from_number, Cdr.agent, fn.MAX(Cdr.started_at).alias("started_at"))
            .where(Cdr.outcome == "answered", Cdr.started_at >= since, Cdr.agent.is_null(False))
            .group_by(Cdr.from_number)
        )
        served = {row.from_number: Served(row.agent or "", row.started_at) for row in answers}
    region_names(WARM_UP_NUMBER)  # the geocoder loads its data here rather than mid-call
    return CallerBook(customers, served)
