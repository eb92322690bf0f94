"""The ACD rings whom each queue's strategy picks, and keeps its own rules for all of them."""

from __future__ import annotations

import pytest

from appliance.callflow.acd import Acd, AgentStatus, QueueConfig
from appliance.callflow.const import AgentState
from appliance.callflow.strategies import STRATEGIES

EVERY_STRATEGY = sorted(STRATEGIES)
EXTENSIONS = ["1001", "1002", "1003", "1004"]


def queues(strategy: str, support: dict[str, int] | None = None) -> list[QueueConfig]:
    """Return a support queue (wrap-up 5 s) and a sales queue sharing agent 1003."""
    members = support or {"1001": 0, "1002": 0, "1003": 0}
    return [
        QueueConfig("support", strategy, members, wrap_up_seconds=5),
        QueueConfig("sales", strategy, {"1003": 0, "1004": 0}),
    ]


def ready_agents(extensions: list[str] = EXTENSIONS) -> dict[str, AgentStatus]:
    """Return ready agents as the store would hand them over."""
    return {e: AgentStatus(e, f"agent {e}", AgentState.READY) for e in extensions}


def make_acd(strategy: str, support: dict[str, int] | None = None) -> Acd:
    """Return an ACD with every agent registered and ready (1001 idle longest)."""
    acd = Acd()
    acd.configure(queues(strategy, support), ready_agents())
    for i, ext in enumerate(EXTENSIONS):
        acd.set_registered(ext, True, now=100.0 + i)
    return acd


def serve(acd: Acd, call_id: str, queue: str, now: float) -> str:
    """Queue a caller, ring, have the first agent rung answer, and return who it was."""
    acd.join(call_id, queue, now)
    [(rung_for, extension), *_] = acd.assignments(now)
    assert rung_for == call_id
    acd.answered(extension, call_id, now)
    return extension


# --- ring_all -----------------------------------------------------------------------


def test_ring_all_rings_every_free_agent_for_one_caller() -> None:
    acd = make_acd("ring_all")
    acd.join("c1", "support", now=200)
    assert acd.assignments(now=200) == [("c1", "1001"), ("c1", "1002"), ("c1", "1003")]
    assert {acd.agents[e].state for e in ("1001", "1002", "1003")} == {AgentState.RINGING}
    assert acd.assignments(now=201) == []


def test_ring_all_never_rings_one_agent_for_two_callers() -> None:
    acd = make_acd("ring_all")
    acd.join("c1", "support", now=200)
    acd.join("c2", "support", now=201)
    acd.join("s1", "sales", now=202)
    pairs = acd.assignments(now=203)
    assert pairs == [("c1", "1001"), ("c1", "1002"), ("c1", "1003"), ("s1", "1004")]
    rung = [ext for _, ext in pairs]
    assert len(rung) == len(set(rung))


def test_ring_all_frees_the_others_without_blame_when_one_answers() -> None:
    acd = make_acd("ring_all")
    acd.join("c1", "support", now=200)
    acd.join("c2", "support", now=201)
    acd.assignments(now=202)
    acd.answered("1002", "c1", now=205)
    assert acd.ring_stopped("1001") and acd.ring_stopped("1003")
    assert acd.agents["1001"].retry_after == 0.0
    assert acd.assignments(now=205) == [("c2", "1001"), ("c2", "1003")]


def test_ring_all_overflows_a_second_caller_to_the_next_penalty_tier() -> None:
    acd = make_acd("ring_all", support={"1001": 0, "1002": 1, "1003": 0})
    acd.join("c1", "support", now=200)
    acd.join("c2", "support", now=201)
    assert acd.assignments(now=202) == [("c1", "1001"), ("c1", "1003"), ("c2", "1002")]


# --- what no strategy may do --------------------------------------------------------


@pytest.mark.parametrize("strategy", EVERY_STRATEGY)
def test_agents_in_wrap_up_or_not_ready_are_never_rung(strategy: str) -> None:
    acd = make_acd(strategy, support={"1001": 0, "1002": 2, "1003": 1, "1004": 0})
    acd.join("first", "support", now=150)
    acd.assignments(now=150)
    taker = next(a.extension for a in acd.agents.values() if a.state == AgentState.RINGING)
    for ext in EXTENSIONS:
        acd.ring_stopped(ext)
    acd.answered(taker, "first", now=151)
    acd.call_finished(taker, "support", now=160)
    assert acd.agents[taker].state == AgentState.WRAP_UP
    paused = next(e for e in ("1004", "1001") if e != taker)
    acd.set_state(paused, AgentState.NOT_READY, now=160)
    for i in range(200):
        acd.join(f"c{i}", "support", now=200 + i)
        rung = {ext for _, ext in acd.assignments(now=200 + i)}
        assert rung and not rung & {taker, paused}
        for ext in rung:
            acd.ring_stopped(ext)
        acd.leave(f"c{i}")


@pytest.mark.parametrize("strategy", EVERY_STRATEGY)
def test_the_oldest_caller_anywhere_gets_a_shared_agent(strategy: str) -> None:
    acd = make_acd(strategy)
    for ext in ("1001", "1002", "1004"):
        acd.set_state(ext, AgentState.NOT_READY, now=150)
    acd.join("sales-caller", "sales", now=201)
    acd.join("support-caller", "support", now=200)
    assert acd.assignments(now=202) == [("support-caller", "1003")]
    acd.ring_failed("1003", now=203)
    acd.leave("support-caller")
    assert acd.assignments(now=210) == [("sales-caller", "1003")]


# --- changing strategies ------------------------------------------------------------


def test_a_new_strategy_applies_at_the_next_round_while_callers_wait() -> None:
    support = {"1003": 0, "1002": 0, "1001": 0}  # 1001 idle longest, 1003 first listed
    acd = make_acd("longest_idle", support)
    acd.join("c1", "support", now=200)
    acd.join("c2", "support", now=201)
    acd.join("c3", "support", now=202)
    acd.set_state("1002", AgentState.NOT_READY, now=199)
    acd.set_state("1003", AgentState.NOT_READY, now=199)
    assert acd.assignments(now=203) == [("c1", "1001")]
    acd.configure(queues("linear", support), ready_agents())
    assert acd.agents["1001"].state == AgentState.RINGING  # the ring in progress goes on
    assert acd.assignments(now=204) == [("c2", "1003"), ("c3", "1002")]


def test_a_queue_keeping_its_strategy_keeps_round_robin_memory() -> None:
    acd = make_acd("round_robin")
    assert serve(acd, "c1", "support", now=200) == "1001"
    acd.call_finished("1001", "support", now=210)
    acd.wrap_up_done("1001")
    acd.configure(queues("round_robin"), ready_agents())
    assert serve(acd, "c2", "support", now=220) == "1002"


def test_a_queue_changing_strategy_gets_a_fresh_one() -> None:
    acd = make_acd("round_robin")
    assert serve(acd, "c1", "support", now=200) == "1001"
    acd.call_finished("1001", "support", now=210)
    acd.wrap_up_done("1001")
    acd.configure(queues("linear"), ready_agents())
    acd.configure(queues("round_robin"), ready_agents())
    assert serve(acd, "c2", "support", now=220) == "1001"  # memory starts over


def test_an_unknown_strategy_is_refused_and_changes_nothing() -> None:
    acd = make_acd("round_robin")
    serve(acd, "c1", "support", now=200)
    acd.join("c2", "support", now=201)
    before = (dict(acd.queues), set(acd.agents), list(acd.waiting))
    fresh = ready_agents(["1001", "1002", "2001"])
    with pytest.raises(KeyError, match=r"telepathy.*known: .*ring_all, round_robin"):
        acd.configure([*queues("ring_all"), QueueConfig("vip", "telepathy")], fresh)
    assert (dict(acd.queues), set(acd.agents), list(acd.waiting)) == before
    assert acd.queues["support"].strategy == "round_robin"
    assert acd.assignments(now=202) == [("c2", "1002")]  # still round robin, memory intact


def test_ring_all_agent_freed_later_joins_the_ringing_in_the_same_tier_only() -> None:
    acd = Acd()
    members = {"a": 0, "b": 0, "c": 1}
    acd.configure(
        [QueueConfig("q", strategy="ring_all", members=members)],
        {ext: AgentStatus(ext, state=AgentState.NOT_READY) for ext in members},
    )
    for ext in members:
        acd.set_registered(ext, True, now=1)
    acd.join("caller", "q", now=2)
    acd.set_state("a", AgentState.READY, now=3)
    assert acd.assignments(now=3) == [("caller", "a")]
    acd.set_state("b", AgentState.READY, now=4)
    acd.set_state("c", AgentState.READY, now=4)
    # b (same tier as the ringing a) joins; c (a higher penalty) does not.
    assert acd.assignments(now=4) == [("caller", "b")]
