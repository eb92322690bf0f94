"""The ACD serves the oldest caller with the longest-idle ready agent."""

from __future__ import annotations

import pytest

from appliance.callflow.acd import RING_RETRY_SECONDS, Acd, AgentStatus, QueueConfig
from appliance.callflow.const import AgentState
from appliance.callflow.strategies import STRATEGIES, Caller, Candidate, get


def make_acd() -> Acd:
    acd = Acd()
    queues = [
        QueueConfig("support", members={"1001": 0, "1002": 0, "1003": 0}, wrap_up_seconds=5),
        QueueConfig("sales", members={"1003": 0, "1004": 0}),
    ]
    agents = {
        e: AgentStatus(e, f"agent {e}", AgentState.READY) for e in ["1001", "1002", "1003", "1004"]
    }
    acd.configure(queues, agents)
    for i, ext in enumerate(agents):
        acd.set_registered(ext, True, now=100.0 + i)
    return acd


def test_longest_idle_agent_is_rung_first() -> None:
    acd = make_acd()
    acd.join("c1", "support", now=200)
    assert acd.assignments(now=200) == [("c1", "1001")]
    assert acd.agents["1001"].state == AgentState.RINGING


def test_unregistered_or_not_ready_agents_are_skipped() -> None:
    acd = make_acd()
    acd.set_registered("1001", False, now=150)
    acd.set_state("1002", AgentState.NOT_READY, now=150)
    acd.join("c1", "support", now=200)
    assert acd.assignments(now=200) == [("c1", "1003")]


def test_oldest_caller_across_queues_gets_the_shared_agent() -> None:
    acd = make_acd()
    for ext in ("1001", "1002", "1004"):
        acd.set_state(ext, AgentState.NOT_READY, now=150)
    acd.join("sales-caller", "sales", now=201)
    acd.join("support-caller", "support", now=200)
    assert acd.assignments(now=202) == [("support-caller", "1003")]


def test_a_caller_is_rung_one_agent_at_a_time() -> None:
    acd = make_acd()
    acd.join("c1", "support", now=200)
    acd.assignments(now=200)
    assert acd.assignments(now=201) == []


def test_no_answer_moves_on_and_rests_the_agent() -> None:
    acd = make_acd()
    acd.join("c1", "support", now=200)
    acd.assignments(now=200)
    acd.ring_failed("1001", now=210)
    assert acd.assignments(now=210) == [("c1", "1002")]
    acd.ring_failed("1002", now=211)
    acd.ring_failed("1003", now=211)
    assert acd.assignments(now=212) == [("c1", "1003")]
    acd.ring_failed("1003", now=212)
    assert acd.assignments(now=213) == []
    assert acd.assignments(now=210 + RING_RETRY_SECONDS) == [("c1", "1001")]


def test_answer_then_wrap_up_then_ready_again() -> None:
    acd = make_acd()
    acd.join("c1", "support", now=200)
    acd.assignments(now=200)
    acd.answered("1001", "c1", now=240)
    assert acd.waiting == []
    assert acd.agents["1001"].state == AgentState.ON_CALL
    assert acd.call_finished("1001", "support", now=300) == 5
    assert acd.agents["1001"].state == AgentState.WRAP_UP
    acd.wrap_up_done("1001")
    assert acd.agents["1001"].state == AgentState.READY
    assert acd.agents["1001"].idle_since == 305


def test_staffed_and_positions() -> None:
    acd = make_acd()
    assert acd.staffed("sales")
    acd.set_registered("1003", False, now=1)
    acd.set_registered("1004", False, now=1)
    assert not acd.staffed("sales")
    acd.join("a", "support", now=1)
    acd.join("b", "support", now=2)
    assert (acd.position("a"), acd.position("b"), acd.position("zz")) == (1, 2, 0)
    assert acd.leave("a") is not None and acd.position("b") == 1


def test_reconfigure_keeps_live_state_and_drops_removed_agents() -> None:
    acd = make_acd()
    acd.join("c1", "support", now=200)
    acd.assignments(now=200)
    acd.configure(
        [QueueConfig("support", members={"1001": 0})],
        {"1001": AgentStatus("1001", "renamed", AgentState.NOT_READY)},
    )
    assert set(acd.agents) == {"1001"}
    assert acd.agents["1001"].state == AgentState.RINGING  # a ringing agent is not yanked
    assert acd.agents["1001"].name == "renamed"


def test_unknown_queue_and_strategy_are_refused() -> None:
    acd = make_acd()
    with pytest.raises(KeyError, match="unknown queue"):
        acd.join("c1", "nope", now=1)
    with pytest.raises(KeyError, match=r"known: .*longest_idle"):
        get("telepathy")


def test_longest_idle_prefers_lower_penalty() -> None:
    strategy = STRATEGIES["longest_idle"]()
    candidates = [Candidate("a", 10, penalty=1), Candidate("b", 50, penalty=0)]
    assert [c.extension for c in strategy.choose(candidates, Caller("c1"), 60)] == ["b"]


def test_auto_ready_agent_becomes_ready_when_the_phone_registers() -> None:
    acd = Acd()
    acd.configure([QueueConfig("q", members={"1": 0, "2": 0})], {
        "1": AgentStatus("1", auto_ready=True), "2": AgentStatus("2")})  # fmt: skip
    acd.set_registered("1", True, now=5)
    acd.set_registered("2", True, now=5)
    assert acd.agents["1"].state == AgentState.READY
    assert acd.agents["2"].state == AgentState.LOGGED_OUT  # must log in first


def test_agent_who_keeps_not_answering_is_paused_with_a_reason() -> None:
    acd = Acd()
    acd.configure([QueueConfig("q", members={"1": 0}, autopause_after=3)],
                  {"1": AgentStatus("1", state=AgentState.READY)})  # fmt: skip
    acd.set_registered("1", True, now=1)
    acd.join("c1", "q", now=2)
    paused = []
    for n in range(3):
        now = 10.0 * (n + 1)  # past the 5 s rest after each unanswered ring
        assert acd.assignments(now) == [("c1", "1")]
        paused.append(acd.ring_failed("1", now, queue="q"))
    assert paused == [False, False, True]
    agent = acd.agents["1"]
    assert (agent.state, agent.reason) == (AgentState.NOT_READY, "auto-pause: 3 unanswered rings")
    assert acd.assignments(now=100) == []
    acd.set_state("1", AgentState.READY, now=100)
    assert (agent.reason, agent.unanswered) == ("", 0)


def test_an_answer_resets_the_unanswered_count() -> None:
    acd = Acd()
    acd.configure([QueueConfig("q", members={"1": 0})],
                  {"1": AgentStatus("1", state=AgentState.READY)})  # fmt: skip
    acd.set_registered("1", True, now=1)
    acd.join("c1", "q", now=2)
    acd.assignments(now=2)
    acd.ring_failed("1", now=3, queue="q")
    acd.ring_failed("1", now=4, queue="q")  # not ringing any more: not counted
    assert acd.agents["1"].unanswered == 1
    assert acd.assignments(now=10) == [("c1", "1")]
    acd.answered("1", "c1", now=11)
    assert acd.agents["1"].unanswered == 0


def test_agent_wrap_up_overrides_the_queue() -> None:
    acd = make_acd()
    acd.agents["1001"].wrap_up_seconds = 0
    acd.join("c1", "support", now=200)
    acd.assignments(now=200)
    acd.answered("1001", "c1", now=201)
    assert acd.call_finished("1001", "support", now=260) == 0  # queue says 5
    assert acd.agents["1001"].state == AgentState.READY
    assert acd.agents["1001"].talk_seconds == 59


def test_not_ready_keeps_its_reason_until_ready() -> None:
    acd = make_acd()
    acd.set_state("1002", AgentState.NOT_READY, now=1, reason="lunch")
    assert acd.agents["1002"].reason == "lunch"
    acd.set_state("1002", AgentState.READY, now=2, reason="ignored")
    assert acd.agents["1002"].reason == ""


def test_priority_callers_are_served_first_then_by_arrival() -> None:
    acd = make_acd()
    for ext in ("1001", "1002", "1003"):
        acd.set_state(ext, AgentState.NOT_READY, now=1)
    acd.join("early", "support", now=10)
    acd.join("vip", "support", now=20, priority=5)
    acd.join("later", "support", now=30)
    assert [acd.position(c) for c in ("vip", "early", "later")] == [1, 2, 3]
    acd.set_state("1001", AgentState.READY, now=40)
    assert acd.assignments(now=40) == [("vip", "1001")]
    acd.set_state("1002", AgentState.READY, now=41)
    assert acd.assignments(now=41) == [("early", "1002")]
