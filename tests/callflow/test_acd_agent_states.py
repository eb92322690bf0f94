"""Agent states chosen during a call, DND, calls sent to an agent by name, engaged phones."""

from __future__ import annotations

import pytest
from test_acd import make_acd

from appliance.callflow.const import AgentState


def test_not_ready_chosen_on_a_call_applies_when_it_ends() -> None:
    acd = make_acd()
    acd.join("c1", "support", 10.0)
    (_, ext), *_ = acd.assignments(11.0)
    acd.answered(ext, "c1", 12.0)
    acd.set_state(ext, AgentState.NOT_READY, 13.0, "lunch")
    assert acd.agents[ext].state == AgentState.ON_CALL  # what they are doing now
    assert acd.call_finished(ext, "support", 20.0) == 0.0  # no wrap-up: straight to lunch
    assert (acd.agents[ext].state, acd.agents[ext].reason) == (AgentState.NOT_READY, "lunch")


def test_ready_chosen_on_a_call_cancels_an_earlier_choice() -> None:
    acd = make_acd()
    acd.join("c1", "support", 10.0)
    (_, ext), *_ = acd.assignments(11.0)
    acd.answered(ext, "c1", 12.0)
    acd.set_state(ext, AgentState.DND, 13.0)
    acd.set_state(ext, AgentState.READY, 14.0)
    assert acd.call_finished(ext, "support", 20.0) == 5.0  # the queue's usual wrap-up
    assert acd.agents[ext].state == AgentState.WRAP_UP


def test_dnd_agent_is_logged_in_but_never_rung() -> None:
    acd = make_acd()
    for ext in list(acd.agents):
        acd.set_state(ext, AgentState.DND, 1.0)
    acd.join("c1", "support", 10.0)
    assert acd.assignments(11.0) == []
    assert acd.staffed("support")  # DND agents staff the queue: callers wait, not bounce


def test_reserve_refuses_agents_who_cannot_take_a_call() -> None:
    acd = make_acd()
    ext = next(iter(acd.agents))
    with pytest.raises(KeyError, match="9999"):
        acd.reserve("9999", "c1", 1.0)
    acd.set_state(ext, AgentState.NOT_READY, 1.0, "break")
    with pytest.raises(ValueError, match="not ready"):
        acd.reserve(ext, "c1", 1.0)
    acd.set_state(ext, AgentState.READY, 2.0)
    acd.reserve(ext, "c1", 3.0)
    assert (acd.agents[ext].state, acd.agents[ext].call_id) == (AgentState.RINGING, "c1")


def test_engaged_phone_is_skipped_by_the_queue() -> None:
    acd = make_acd()
    first, second = list(acd.agents)[:2]
    acd.agents[first].engaged = "own-call"
    acd.join("c1", "support", 10.0)
    assert [ext for _, ext in acd.assignments(11.0)] == [second]
