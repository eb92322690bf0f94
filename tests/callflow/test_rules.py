"""Conditional routing rules and region groups, evaluated at queue entry over the ACD's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from appliance.callflow.acd import Acd, AgentStatus, QueueConfig, Waiting
from appliance.callflow.const import AgentState
from appliance.callflow.customers import CallerBook, Customer
from appliance.callflow.routing import loads, reroute_waiting, route
from appliance.callflow.rules import Decision, QueueLoad, Situation, first_match, parse_rule

MONDAY_NOON = datetime(2025, 6, 2, 12, 0)  # a Monday
SEED_RULE = {
    "conditions": [
        {"metric": "waiting", "queue": "group1", "op": ">", "value": 25},
        {"metric": "idle", "queue": "group2", "op": ">=", "value": 4},
    ],
    "action": {"target": "queue:group2"},
}


def seed_acd(idle_in_group2: int) -> Acd:
    """Return groups 1 and 2 with the seed's rule on group 1 and some idle agents in group 2."""
    acd = Acd()
    group2 = {f"2{i:03}": 0 for i in range(6)}
    queues = [
        QueueConfig("group1", members={"1000": 0}, rules=[SEED_RULE]),
        QueueConfig("group2", members=group2),
    ]
    agents = {e: AgentStatus(e, state=AgentState.NOT_READY) for e in ["1000", *group2]}
    acd.configure(queues, agents)
    for ext in agents:
        acd.set_registered(ext, True, now=0)
    for ext in list(group2)[:idle_in_group2]:
        acd.set_state(ext, AgentState.READY, now=0)
    return acd


def fill(acd: Acd, queue: str, count: int) -> None:
    for i in range(count):
        acd.join(f"{queue}-{i}", queue, now=10.0 + i)


def test_the_seeds_example_works_as_written() -> None:
    """'If group 1 has more than 25 waiting and group 2 has at least 4 idle, send to group 2'."""
    acd = seed_acd(idle_in_group2=4)
    fill(acd, "group1", 25)
    assert route(acd, "group1", "", 100, MONDAY_NOON).queue == "group1"  # 25: not more
    acd.join("26th", "group1", now=50)
    decision = route(acd, "group1", "", 100, MONDAY_NOON)
    assert (decision.queue, decision.hops) == ("group2", (("group1", "rule 1 of queue 'group1'"),))


def test_the_seeds_example_needs_four_idle_agents_in_group_2() -> None:
    acd = seed_acd(idle_in_group2=3)
    fill(acd, "group1", 30)
    assert route(acd, "group1", "", 100, MONDAY_NOON).queue == "group1"
    acd.set_state("2005", AgentState.READY, now=60)
    assert route(acd, "group1", "", 100, MONDAY_NOON).queue == "group2"
    acd.set_state("2005", AgentState.WRAP_UP, now=61)  # in wrap-up: not idle
    assert route(acd, "group1", "", 100, MONDAY_NOON).queue == "group1"


def test_loads_count_waiting_longest_wait_idle_and_logged_in() -> None:
    acd = seed_acd(idle_in_group2=2)
    fill(acd, "group2", 3)
    acd.set_registered("2005", False, now=1)
    assert loads(acd, now=100)["group2"] == QueueLoad(3, 90.0, 2, 5)
    assert loads(acd, now=100)["group1"] == QueueLoad(0, 0.0, 0, 1)


def situation(clock: datetime = MONDAY_NOON, vip: int = 0, **loads: QueueLoad) -> Situation:
    return Situation(loads, clock, vip, lambda region: region == "Beijing")


def rule(*conditions: dict[str, Any], target: str = "queue:x") -> Any:
    return parse_rule("q", 1, list(conditions), {"target": target})


@pytest.mark.parametrize(
    ("clock", "holds"),
    [
        (datetime(2025, 6, 2, 8, 59), False),
        (datetime(2025, 6, 2, 9, 0), True),
        (datetime(2025, 6, 6, 17, 59), True),  # Friday
        (datetime(2025, 6, 6, 18, 0), False),
        (datetime(2025, 6, 7, 12, 0), False),  # Saturday
    ],
)
def test_office_hours_on_weekdays(clock: datetime, holds: bool) -> None:
    office = rule({"time": "09:00-18:00", "days": ["mon", "tue", "wed", "thu", "fri"]})
    assert office.matches(situation(clock)) is holds


@pytest.mark.parametrize(
    ("clock", "holds"),
    [
        (datetime(2025, 6, 6, 22, 0), True),  # Friday night
        (datetime(2025, 6, 7, 5, 59), True),  # the small hours after Friday
        (datetime(2025, 6, 7, 6, 0), False),
        (datetime(2025, 6, 7, 23, 0), False),  # Saturday night: not a listed day
        (datetime(2025, 6, 2, 3, 0), False),  # Monday 3 am belongs to Sunday night
    ],
)
def test_a_night_range_wraps_past_midnight(clock: datetime, holds: bool) -> None:
    night = rule({"time": "22:00-06:00", "days": ["mon", "tue", "wed", "thu", "fri"]})
    assert night.matches(situation(clock)) is holds


def test_longest_wait_vip_and_region_clauses() -> None:
    slow = rule({"metric": "longest_wait", "queue": "q", "op": ">=", "value": 60})
    assert slow.matches(situation(q=QueueLoad(longest_wait=60)))
    assert not slow.matches(situation(q=QueueLoad(longest_wait=59)))
    vip = rule({"metric": "vip", "op": ">=", "value": 2})
    assert vip.matches(situation(vip=2)) and not vip.matches(situation(vip=1))
    assert rule({"region": ["Shanghai", "Beijing"]}).matches(situation())
    assert not rule({"region": "Shanghai"}).matches(situation())


def test_first_matching_rule_by_position_wins() -> None:
    rules = [
        parse_rule("q", 1, [{"metric": "vip", "op": ">", "value": 5}], {"target": "queue:a"}),
        parse_rule("q", 2, [], {"target": "queue:b"}),  # no clauses: always
        parse_rule("q", 3, [], {"target": "queue:c"}),
    ]
    matched = first_match(rules, situation())
    assert matched is not None and matched.target == "queue:b"


def two_queues(rules_a: list[dict[str, Any]], rules_b: list[dict[str, Any]] | None = None) -> Acd:
    acd = Acd()
    acd.configure([QueueConfig("a", rules=rules_a), QueueConfig("b", rules=rules_b or [])], {})
    return acd


def test_a_rule_can_send_to_an_ivr_node_or_raise_priority() -> None:
    closed = [{"conditions": [{"time": "18:00-09:00"}], "action": {"target": "ivr:closed"}}]
    acd = two_queues([*closed, {"conditions": [], "action": {"priority": 3}}])
    night = route(acd, "a", "", 0, datetime(2025, 6, 2, 20, 0))
    assert (night.queue, night.ivr) == ("", "closed")
    day = route(acd, "a", "", 0, MONDAY_NOON)
    assert (day.queue, day.priority) == ("a", 3)


def test_rules_follow_into_the_next_queue_and_a_loop_stops() -> None:
    always = [{"conditions": [], "action": {"target": "queue:b"}}]
    back = [{"conditions": [], "action": {"target": "queue:a", "priority": 2}}]
    decision = route(two_queues(always, back), "a", "", 0, MONDAY_NOON)
    assert (decision.queue, decision.priority, len(decision.hops)) == ("b", 2, 1)


def test_region_groups_send_callers_by_where_their_number_is_from() -> None:
    acd = Acd()
    regions = {"Beijing": "queue:north", "广东": "queue:south"}
    queues = [QueueConfig("main", regions=regions), QueueConfig("north"), QueueConfig("south")]
    acd.configure(queues, {}, CallerBook([Customer("13900000000", region="Beijing")]))
    assert route(acd, "main", "13800138000", 0, MONDAY_NOON).queue == "north"
    assert route(acd, "main", "075512345678", 0, MONDAY_NOON).queue == "south"  # Shenzhen
    assert route(acd, "main", "13912345678", 0, MONDAY_NOON).queue == "main"  # Jiangsu
    assert route(acd, "main", "13900000000", 0, MONDAY_NOON).queue == "north"  # the record's
    assert route(acd, "main", "", 0, MONDAY_NOON).queue == "main"


def test_explicit_rules_come_before_the_region_map() -> None:
    acd = Acd()
    rules = [{"conditions": [{"time": "00:00-24:00"}], "action": {"target": "queue:all"}}]
    queues = [QueueConfig("main", rules=rules, regions={"Beijing": "queue:north"})]
    acd.configure([*queues, QueueConfig("north"), QueueConfig("all")], {})
    assert route(acd, "main", "13800138000", 0, MONDAY_NOON).queue == "all"


def test_vip_tier_is_the_least_priority_a_decision_carries() -> None:
    acd = two_queues([])
    acd.configure(list(acd.queues.values()), {}, CallerBook([Customer("13800138000", vip=4)]))
    assert route(acd, "a", "13800138000", 0, MONDAY_NOON).priority == 4
    assert route(acd, "a", "13800138001", 0, MONDAY_NOON).priority is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (SEED_RULE, "rule 1 of queue 'a' names unknown queue 'group1'"),
        ({"conditions": [], "action": {"target": "queue:nowhere"}}, "unknown queue 'nowhere'"),
        ({"conditions": {}, "action": {"priority": 1}}, "conditions must be a list"),
        ({"conditions": [], "action": {}}, "action must have a 'target'"),
        ({"conditions": [], "action": {"target": "voicemail"}}, "target 'voicemail' must be"),
        (
            {
                "conditions": [{"metric": "waiting", "op": "~", "value": 1}],
                "action": {"priority": 1},
            },
            "needs an 'op' in",
        ),
        (
            {"conditions": [{"metric": "mood", "op": ">", "value": 1}], "action": {"priority": 1}},
            "needs a 'metric' in",
        ),
        ({"conditions": [{"time": "9-18"}], "action": {"priority": 1}}, "time must be 'HH:MM"),
        (
            {
                "conditions": [{"time": "09:00-18:00", "days": ["someday"]}],
                "action": {"priority": 1},
            },
            "time must be 'HH:MM",
        ),
    ],
)
def test_bad_rules_are_refused_by_configure_and_nothing_changes(
    spec: dict[str, Any], message: str
) -> None:
    acd = two_queues([])
    with pytest.raises(KeyError, match=message):
        acd.configure([QueueConfig("a", rules=[spec]), QueueConfig("b")], {})
    assert acd.rules_of("a") == []


def test_a_region_group_to_a_missing_queue_is_refused() -> None:
    acd = Acd()
    with pytest.raises(KeyError, match="region 'Beijing' of queue 'main' names unknown queue"):
        acd.configure([QueueConfig("main", regions={"Beijing": "queue:north"})], {})


def test_the_seeds_example_moves_callers_already_waiting_when_group_2_frees_up() -> None:
    """Group 2's agents become idle while 30 wait in group 1: callers move until 3 idle."""
    acd = seed_acd(idle_in_group2=0)
    fill(acd, "group1", 30)
    moves: list[str] = []

    def move(entry: Waiting, decision: Decision) -> None:
        moves.append(entry.call_id)
        acd.leave(entry.call_id)
        acd.join(entry.call_id, str(decision.queue), now=200, number=entry.number)
        acd.assignments(200)  # the new queue rings an agent for them at once

    assert reroute_waiting(acd, 200, MONDAY_NOON, move) == 0  # nobody idle in group 2
    for ext in ("2000", "2001", "2002", "2003", "2004"):
        acd.set_state(ext, AgentState.READY, now=150)
    assert reroute_waiting(acd, 200, MONDAY_NOON, move) == 2  # 5 idle → 4 → 3: the rule stops
    assert moves == ["group1-0", "group1-1"]  # the longest waiting go first
    assert sum(w.queue == "group1" for w in acd.waiting) == 28


def test_callers_being_rung_are_not_moved() -> None:
    acd = seed_acd(idle_in_group2=4)
    acd.agents["1000"].state = AgentState.READY
    fill(acd, "group1", 27)
    acd.assignments(100)  # group 1's agent rings for the first caller
    moved: list[str] = []
    reroute_waiting(
        acd, 200, MONDAY_NOON, lambda e, d: moved.append(e.call_id) or acd.leave(e.call_id)
    )
    assert "group1-0" not in moved and moved
