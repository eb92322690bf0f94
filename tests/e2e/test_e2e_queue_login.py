"""Queue login: an agent logged out of one of their queues is not rung for its callers."""

from __future__ import annotations

import pytest
from boxharness import Box, wait_for

from appliance.engine.control import ControlError
from appliance.store.models import Agent, QueueMember

pytestmark = pytest.mark.e2e


def test_an_agent_out_of_a_queue_is_not_rung_until_they_log_back_in(box: Box) -> None:
    box.set_queue("support", join_when="always")
    assert box.control.call("agent.queues", extension="1001")["queues"]["support"] is True
    left = box.control.call("agent.queues", extension="1001", logged_in=[])
    assert left["queues"] == {"support": False}
    member = QueueMember.get(QueueMember.agent == Agent.get(Agent.extension == "1001"))
    assert member.logged_in is False  # kept in the store
    with box.agent("1001"):
        caller = box.sipp_background("caller_menu", menu_ms=1000, talk_ms=9000)
        try:
            call_id = box.live_call()
            wait_for(lambda: "queue.joined" in box.kinds(call_id), 10, "the caller waiting")
            assert "agent.ringing" not in box.kinds(call_id)  # 1001 is free but out of support
            box.control.call("agent.queues", extension="1001", logged_in=["support"])
            wait_for(lambda: "agent.answered" in box.kinds(call_id), 10, "1001 taking the call")
            assert caller.wait(30) == 0
        finally:
            caller.kill()
    assert box.wait_cdr()["agent"] == "1001"
    with pytest.raises(ControlError, match="not in queue"):
        box.control.call("agent.queues", extension="1001", logged_in=["sales"])
