"""Routing data in the store: migration 4 on an older database, and what the engine reads."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from peewee import Database
from store_support import database_at, later_than

from appliance.callflow.acd import Acd
from appliance.callflow.routing import route
from appliance.config import Settings
from appliance.engine.directory import load_directory
from appliance.store import migrations
from appliance.store.models import (
    Agent,
    AgentSkill,
    Cdr,
    Customer,
    Queue,
    QueueMember,
    RegionGroup,
    RoutingRule,
)

DAY = 86400.0


def test_a_version_3_database_gains_the_routing_tables_with_defaults(settings: Settings) -> None:
    database = database_at(settings, 3)
    database.execute_sql("INSERT INTO queue (name, title, strategy, music_class, ring_seconds,"
                         " max_wait_seconds, wrap_up_seconds, record) VALUES"
                         " ('old', '', 'linear', 'default', 20, 600, 0, 1)")  # fmt: skip
    applied = migrations.migrate(database, Path(settings.paths.backups))
    assert [m.version for m in applied] == later_than(3)
    old = Queue.get(Queue.name == "old")
    assert (old.skills, old.skill_widen, old.sticky_days, old.preferred_wait_seconds) == (
        {}, [], 30, 0)  # fmt: skip
    assert Customer.select().count() == RoutingRule.select().count() == 0
    database.close()


def seed() -> None:
    """Store two queues, three agents with skills, a customer, a rule, a region, CDRs."""
    agents = {e: Agent.create(extension=e, name=e, sip_password="x") for e in ("1", "2", "3")}
    support = Queue.create(
        name="support",
        strategy="sticky",
        skills={"billing": 3},
        skill_widen=[[30, 1]],
        sticky_days=7,
        preferred_wait_seconds=10,
    )
    sales = Queue.create(name="sales", strategy="owner")
    for ext, agent in agents.items():
        QueueMember.create(queue=support if ext != "3" else sales, agent=agent)
    AgentSkill.create(agent=agents["1"], skill="billing", level=4)
    AgentSkill.create(agent=agents["1"], skill="zh", level=2)
    Customer.create(number="+86 139 0000 0000", name="ACME", owner=agents["3"], vip=2)
    conditions = [{"metric": "waiting", "queue": "support", "op": ">", "value": 25}]
    RoutingRule.create(queue=support, position=2, conditions=conditions,
                       action={"target": "queue:sales"})  # fmt: skip
    RoutingRule.create(queue=support, position=1, conditions=[], action={"priority": 9},
                       enabled=False)  # fmt: skip
    RegionGroup.create(queue=sales, region="Beijing", target="queue:support")
    now = time.time()
    for call_id, agent, age in [("a", "1", 3 * DAY), ("b", "2", 1 * DAY), ("c", "1", 9 * DAY)]:
        Cdr.create(call_id=call_id, started_at=now - age, ended_at=now - age + 60,
                   from_number="13800138000", agent=agent, outcome="answered")  # fmt: skip
    Cdr.create(call_id="d", started_at=now - 60, ended_at=now, from_number="13800138000",
               outcome="abandoned")  # fmt: skip


def test_the_engine_reads_every_routing_setting(store: Database) -> None:
    seed()
    directory = load_directory()
    support, sales = sorted(directory.queues, key=lambda q: q.name, reverse=True)
    assert (support.skills, support.skill_widen) == ({"billing": 3}, [[30, 1]])
    assert (support.sticky_days, support.preferred_wait_seconds) == (7, 10)
    [rule] = support.rules  # the disabled one is not read
    assert (rule["position"], rule["action"]) == (2, {"target": "queue:sales"})
    assert rule["conditions"][0]["value"] == 25
    assert sales.regions == {"Beijing": "queue:support"}
    assert directory.agents["1"].skills == {"billing": 4, "zh": 2}
    customer = directory.callers.customer("13900000000")
    assert customer is not None and (customer.owner, customer.vip) == ("3", 2)
    # The newest answered call within the sticky queue's 7 days: agent 2, a day ago.
    assert directory.callers.last_agent("13800138000", time.time(), 7) == "2"


def test_what_the_engine_reads_configures_the_acd_and_routes(store: Database) -> None:
    seed()
    acd = Acd()
    directory = load_directory()
    acd.configure(directory.queues, directory.agents, directory.callers)
    decision = route(acd, "sales", "13800138000", time.time(), datetime(2025, 6, 2, 12))
    assert (decision.queue, decision.hops[0][1]) == ("support", "region 'Beijing' of queue 'sales'")
    assert route(acd, "sales", "13900000000", time.time(), datetime(2025, 6, 2, 12)).priority == 2


def test_a_rule_naming_a_missing_queue_is_refused_and_the_acd_keeps_its_config(
    store: Database,
) -> None:
    seed()
    acd = Acd()
    good = load_directory()
    acd.configure(good.queues, good.agents, good.callers)
    RoutingRule.update(action={"target": "queue:gone"}).where(RoutingRule.position == 2).execute()
    bad = load_directory()
    with pytest.raises(KeyError, match="rule 2 of queue 'support' names unknown queue 'gone'"):
        acd.configure(bad.queues, bad.agents, bad.callers)
    assert acd.rules_of("support")[0].target == "queue:sales"
