"""ACD behaviour with real calls: ring-all, longest-idle order, wrap-up, live strategy change."""

from __future__ import annotations

import time

import pytest
from boxharness import Box, wait_for

from appliance.engine.control import ControlError
from appliance.store.models import (
    Agent,
    InboundNumber,
    IvrFlow,
    Queue,
    QueueMember,
    ReasonCode,
)

pytestmark = pytest.mark.e2e

MENU_MS = 2200  # during the menu prompt (the welcome lasts 1.8 s)


def rung(box: Box, call_id: str) -> list[str]:
    return [e["data"]["agent"] for e in box.events(call_id) if e["kind"] == "agent.ringing"]


def test_ring_all_rings_everyone_and_the_first_answer_wins(box: Box) -> None:
    box.set_queue(strategy="ring_all")
    with box.agent("1001", answer_ms=-1), box.agent("1002", answer_ms=800):
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=3000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
        cdr = box.wait_cdr()
        # The phone that kept ringing was stopped without blame: ready for the next call.
        assert box.agent_status("1001")["state"] == "ready"
    events = box.events(cdr["call_id"])
    assert sorted(rung(box, cdr["call_id"])) == ["1001", "1002"]
    assert (cdr["outcome"], cdr["agent"]) == ("answered", "1002")
    assert "agent.no_answer" not in [e["kind"] for e in events]


def test_longest_idle_agent_takes_each_next_call(box: Box) -> None:
    with box.agent("1001"):
        time.sleep(0.3)  # registration order is idle order
        with box.agent("1002"):
            answered = []
            for n in range(1, 4):
                sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=1000)
                assert sipp.returncode == 0, sipp.stdout[-2000:]
                answered.append(box.wait_cdr(n)["agent"])
    assert answered == ["1001", "1002", "1001"]


def test_wrap_up_keeps_the_agent_from_the_next_call(box: Box) -> None:
    box.set_queue(wrap_up_seconds=4)
    with box.agent("1001"):
        first = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=1000)
        assert first.returncode == 0
        assert box.agent_status("1001")["state"] == "wrap_up"
        # The second caller stays on past the 4 s wrap-up (talk_ms counts from their key).
        second = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=5500)
        assert second.returncode == 0
    cdrs = [box.wait_cdr(1), box.wait_cdr(2)]
    assert [c["agent"] for c in cdrs] == ["1001", "1001"]
    # The second caller waited for the wrap-up that began when the first call ended.
    answered_at = cdrs[1]["ended_at"] - cdrs[1]["talk_seconds"]
    assert answered_at - cdrs[0]["ended_at"] >= 3.5, (answered_at, cdrs[0]["ended_at"])


def test_strategy_change_applies_to_callers_already_waiting(box: Box) -> None:
    with box.agent("1001", answer_ms=-1), box.agent("1002", answer_ms=800):
        for ext in ("1001", "1002"):
            box.control.call("agent.state", extension=ext, state="not_ready")
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=2000)
        try:
            queues = lambda: box.control.call("queues")["queues"]  # noqa: E731
            wait_for(lambda: any(q["waiting"] for q in queues()), 15, "a waiting caller")
            box.set_queue(strategy="ring_all")  # live, while the caller waits
            for ext in ("1001", "1002"):
                box.control.call("agent.state", extension=ext, state="ready")
            assert caller.wait(30) == 0
        finally:
            caller.kill()
    cdr = box.wait_cdr()
    assert sorted(rung(box, cdr["call_id"])) == ["1001", "1002"]
    assert cdr["agent"] == "1002"


def test_unknown_strategy_is_refused_by_reload_and_calls_go_on(box: Box) -> None:
    Queue.update(strategy="telepathy").where(Queue.name == "support").execute()
    with pytest.raises(ControlError, match="unknown strategy 'telepathy'") as refused:
        box.control.call("reload")
    assert refused.value.error_id == "bad-config"
    Queue.update(strategy="longest_idle").where(Queue.name == "support").execute()
    with box.agent("1001"):
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=1000)
        assert sipp.returncode == 0
    assert box.wait_cdr()["outcome"] == "answered"


def test_agent_not_answering_is_paused_and_the_pause_is_kept(box: Box) -> None:
    box.set_queue(ring_seconds=2, autopause_after=2)
    with box.agent("1001", answer_ms=-1):
        sipp = box.sipp("caller_abandon", menu_ms=MENU_MS, wait_ms=12000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
        status = wait_for(
            lambda: (s := box.agent_status("1001"))["state"] == "not_ready" and s, 10, "a pause"
        )
    assert status["reason"] == "auto-pause: 2 unanswered rings"
    agent = Agent.get(Agent.extension == "1001")  # kept: a restart does not unpause
    assert (agent.state, agent.state_reason) == ("not_ready", "auto-pause: 2 unanswered rings")
    cdr = box.wait_cdr()
    assert rung(box, cdr["call_id"]) == ["1001", "1001"]


def test_not_ready_reason_from_the_control_api(box: Box) -> None:
    events = box.control.events(timeout=10)
    box.control.call("agent.state", extension="1002", state="not_ready", reason="lunch")
    event = next(e for e in events if e["event"] == "agent.state")
    assert event["data"] == {"agent": "1002", "state": "not_ready", "reason": "lunch"}
    assert Agent.get(Agent.extension == "1002").state_reason == "lunch"
    with pytest.raises(ControlError, match="at most 64") as refused:
        box.control.call("agent.state", extension="1002", state="not_ready", reason="x" * 65)
    assert refused.value.error_id == "bad-reason"
    with pytest.raises(ControlError, match="one of: after-call-work, break") as unknown:
        box.control.call("agent.state", extension="1002", state="not_ready", reason="nap")
    assert unknown.value.error_id == "bad-reason"
    ReasonCode.update(enabled=False).execute()  # no list: any short reason goes
    box.control.call("agent.state", extension="1002", state="not_ready", reason="nap")
    assert Agent.get(Agent.extension == "1002").state_reason == "nap"


def test_agent_added_in_the_store_can_register_after_reload(box: Box) -> None:
    new = Agent.create(extension="1099", name="New Hire", sip_password="Nh1099pass", state="ready")
    QueueMember.create(queue=Queue.get(Queue.name == "support"), agent=new)
    assert box.control.call("reload")["subscribers"]["added"] == 1
    box.demo["agents"].append({"extension": "1099", "sip_password": "Nh1099pass"})
    with box.agent("1099"):  # registers through Kamailio: no restart of anything
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=1000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
    assert box.wait_cdr()["agent"] == "1099"


def test_caller_past_max_wait_overflows_to_another_queue(box: Box) -> None:
    box.set_queue(max_wait_seconds=3, overflow="queue:sales")
    with box.agent("1001"), box.agent("1004"):
        box.control.call("agent.state", extension="1001", state="not_ready", reason="meeting")
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=7000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    events = box.events(cdr["call_id"])
    overflow = next(e["data"] for e in events if e["kind"] == "queue.overflow")
    assert overflow == {"queue": "support", "to": "queue:sales", "reason": "max wait"}
    joined = [e["data"]["queue"] for e in events if e["kind"] == "queue.joined"]
    assert joined == ["support", "sales"]
    assert (cdr["outcome"], cdr["queue"], cdr["agent"]) == ("answered", "sales", "1004")


def test_overflow_to_a_missing_queue_is_refused_by_reload(box: Box) -> None:
    Queue.update(overflow="queue:nowhere").where(Queue.name == "support").execute()
    with pytest.raises(ControlError, match="overflows to unknown queue 'nowhere'") as refused:
        box.control.call("reload")
    assert refused.value.error_id == "bad-config"


def test_a_vip_line_jumps_the_queue(box: Box) -> None:
    vip = {"start": "q", "nodes": {"q": {"type": "queue", "queue": "support", "priority": 5}}}
    IvrFlow.create(name="vip", graph=vip)
    InboundNumber.create(number="101", target_type="ivr", target="vip")
    box.control.call("reload")
    waiting = lambda: sum(len(q["waiting"]) for q in box.control.call("queues")["queues"])  # noqa: E731
    with box.agent("1001"):
        box.control.call("agent.state", extension="1001", state="not_ready")
        early = box.sipp_background("caller_abandon", menu_ms=MENU_MS, wait_ms=12000)
        wait_for(lambda: waiting() == 1, 15, "the first caller waiting")
        vip_caller = box.sipp_background("caller_menu", number="101", menu_ms=500, talk_ms=3000)
        try:
            wait_for(lambda: waiting() == 2, 15, "the VIP caller waiting")
            box.control.call("agent.state", extension="1001", state="ready")
            assert vip_caller.wait(30) == 0
        finally:
            for proc in (early, vip_caller):
                proc.kill()
                proc.wait()
    served = next(c for c in box.cdrs() if c["to_number"] == "101")
    assert (served["outcome"], served["agent"]) == ("answered", "1001")
    joined = next(e for e in box.events(served["call_id"]) if e["kind"] == "queue.joined")
    assert joined["data"] == {"queue": "support", "position": 1, "priority": 5}
