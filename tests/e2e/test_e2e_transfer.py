"""Transfers, hold, three-way calls and take-over with real SIP, checked by what people hear.

The caller is a pjsua2 phone dialling a number that goes straight to the support
queue; every phone sends a tone of its own and records what it receives, so the
tests can tell whom the caller was talking with at each moment.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from boxharness import AgentPhone, Box, wait_for
from tones import heard

from appliance.engine.control import ControlError
from appliance.store.models import InboundNumber, Queue

pytestmark = pytest.mark.e2e

CALLER_HZ, FIRST_HZ, SECOND_HZ = 500, 1000, 1500
MUSIC_HZ = 300  # a test music class: a plain tone, so hold music is measurable
PRESENT, ABSENT = 1000.0, 200.0


@contextmanager
def connected(box: Box) -> Iterator[tuple[AgentPhone, AgentPhone, str]]:
    """Yield (caller phone, agent 1001's phone, call id) of a call answered by 1001."""
    InboundNumber.create(number="200", target_type="queue", target="support")
    box.control.call("reload")
    with (
        box.agent("1001", tone_hz=FIRST_HZ, record=True) as agent,
        box.agent("1005", tone_hz=CALLER_HZ, record=True, call="200") as caller,
    ):
        agent.read_until("recording", 15)
        caller.read_until("recording", 15)
        yield caller, agent, box.live_call()


def level(phone: AgentPhone, start: float, end: float, hz: int, call: int = 1) -> float:
    """Return how loud hz was in what phone's call-th call heard between two wall times."""
    lines = [x for x in phone.lines if x["event"] == "recording"]
    path, began = Path(lines[call - 1]["path"]), float(lines[call - 1]["at"])
    return heard(path, start - began, end - began, hz, settle=True)


def test_blind_transfer_to_another_agent(box: Box) -> None:
    with (
        connected(box) as (caller, first, call_id),
        box.agent("1002", tone_hz=SECOND_HZ, record=True) as second,
    ):
        box.control.call("call.note", call_id=call_id, text="wants a refund")
        box.control.call("call.transfer", call_id=call_id, target="agent:1002")
        first.read_until("disconnected", 10)
        second.read_until("recording", 15)
        t0 = time.time()
        time.sleep(2)
        t1 = time.time()
        assert box.agent_status("1001")["state"] == "ready"
        assert box.agent_status("1002")["state"] == "on_call"
    assert level(caller, t0, t1, SECOND_HZ) > PRESENT
    assert level(second, t0, t1, CALLER_HZ) > PRESENT
    cdr = box.wait_cdr()
    events = box.events(cdr["call_id"])
    done = next(e for e in events if e["kind"] == "transfer.completed")
    assert done["data"]["agent"] == "1002" and done["data"]["notes"] == ["wants a refund"]
    assert done["data"]["customer"] is None  # 1005 is not in the customer table
    assert [e["data"]["agent"] for e in events if e["kind"] == "agent.answered"] == [
        "1001",
        "1002",
    ]
    assert cdr["outcome"] == "answered"


def test_attended_transfer_consults_then_completes(box: Box) -> None:
    with (
        connected(box) as (caller, first, call_id),
        box.agent("1002", tone_hz=SECOND_HZ, record=True) as second,
    ):
        box.control.call("call.transfer", call_id=call_id, target="1002", attended=True)
        second.read_until("recording", 15)
        t0 = time.time()
        time.sleep(2)
        t1 = time.time()
        box.control.call("call.transfer.complete", call_id=call_id)
        first.read_until("disconnected", 10)
        time.sleep(2)
        t2 = time.time()
    # Consulting: the two agents talk; the caller hears neither of them.
    assert level(first, t0, t1, SECOND_HZ) > PRESENT
    assert level(caller, t0, t1, SECOND_HZ) < ABSENT
    assert level(caller, t0, t1, FIRST_HZ) < ABSENT
    assert level(caller, t1, t2, SECOND_HZ) > PRESENT
    call_kinds = box.kinds(box.wait_cdr()["call_id"])
    assert call_kinds.index("transfer.consulting") < call_kinds.index("transfer.completed")


def test_attended_transfer_cancelled_goes_back_to_the_caller(box: Box) -> None:
    with connected(box) as (caller, _first, call_id), box.agent("1002") as second:
        box.control.call("call.transfer", call_id=call_id, target="1002", attended=True)
        second.read_until("confirmed", 15)
        box.control.call("call.transfer.cancel", call_id=call_id)
        second.read_until("disconnected", 10)
        t0 = time.time()
        time.sleep(2)
        t1 = time.time()
        assert box.agent_status("1002")["state"] == "ready"
    assert level(caller, t0, t1, FIRST_HZ) > PRESENT
    assert "transfer.cancelled" in box.kinds(box.wait_cdr()["call_id"])


def test_hold_plays_music_and_resume_brings_the_agent_back(box: Box) -> None:
    music = Path(box.settings.paths.prompts) / "moh" / f"tone{MUSIC_HZ}.wav"
    if not music.exists():
        sox = ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(music)]
        subprocess.run([*sox, "synth", "10", "sine", str(MUSIC_HZ), "vol", "0.3"], check=True)
    Queue.update(music_class=f"tone{MUSIC_HZ}").where(Queue.name == "support").execute()
    with connected(box) as (caller, _first, call_id):
        box.control.call("call.hold", call_id=call_id)
        t0 = time.time()
        time.sleep(2)
        box.control.call("call.resume", call_id=call_id)
        t1 = time.time()
        time.sleep(2)
        t2 = time.time()
    assert level(caller, t0, t1, FIRST_HZ) < ABSENT
    assert level(caller, t0, t1, MUSIC_HZ) > PRESENT
    assert level(caller, t1, t2, FIRST_HZ) > PRESENT
    assert level(caller, t1, t2, MUSIC_HZ) < ABSENT
    call_kinds = box.kinds(box.wait_cdr()["call_id"])
    assert call_kinds.index("call.held") < call_kinds.index("call.resumed")


def test_three_way_call_continues_when_the_agent_leaves(box: Box) -> None:
    with (
        connected(box) as (caller, first, call_id),
        box.agent("1002", tone_hz=SECOND_HZ, record=True) as second,
    ):
        box.control.call("call.conference", call_id=call_id, target="agent:1002")
        second.read_until("recording", 15)
        t0 = time.time()
        time.sleep(2)
        first.stop()  # the agent hangs up: caller and the third party go on
        t1 = time.time()
        time.sleep(2)
        t2 = time.time()
        assert box.control.call("calls")["calls"][0]["agent"] == "1002"
    assert level(caller, t0, t0 + 2, FIRST_HZ) > PRESENT
    assert level(caller, t0, t0 + 2, SECOND_HZ) > PRESENT
    assert level(second, t0, t0 + 2, CALLER_HZ) > PRESENT
    assert level(second, t0, t0 + 2, FIRST_HZ) > PRESENT
    assert level(caller, t1, t2, SECOND_HZ) > PRESENT
    assert "conference.handed_over" in box.kinds(box.wait_cdr()["call_id"])


def test_supervisor_takes_the_call_over(box: Box) -> None:
    with (
        connected(box) as (caller, first, call_id),
        box.agent("1004", tone_hz=SECOND_HZ) as supervisor,
    ):
        box.control.call("call.monitor", call_id=call_id, supervisor="1004", mode="listen")
        supervisor.read_until("confirmed", 15)
        box.control.call("call.takeover", call_id=call_id, supervisor="1004")
        first.read_until("disconnected", 10)
        t0 = time.time()
        time.sleep(2)
        t1 = time.time()
    assert level(caller, t0, t1, SECOND_HZ) > PRESENT
    assert "call.taken_over" in box.kinds(box.wait_cdr()["call_id"])


def test_transfer_to_a_queue_reaches_its_agent(box: Box) -> None:
    with connected(box) as (_caller, first, call_id), box.agent("1004") as sales:
        box.control.call("call.transfer", call_id=call_id, target="queue:sales")
        first.read_until("disconnected", 10)
        sales.read_until("confirmed", 15)
    cdr = box.wait_cdr()
    joined = [e["data"]["queue"] for e in box.events(cdr["call_id"]) if e["kind"] == "queue.joined"]
    assert joined == ["support", "sales"]


def test_bad_transfers_get_clear_errors_and_the_call_goes_on(box: Box) -> None:
    with connected(box) as (_caller, _first, call_id):
        errors = {}
        for target in ("queue:nope", "agent:9999", "agent:1003", "ivr:menu", "fax:1", "1001"):
            with pytest.raises(ControlError) as refused:
                box.control.call("call.transfer", call_id=call_id, target=target)
            errors[target] = refused.value.error_id
        with pytest.raises(ControlError) as incomplete:
            box.control.call("call.transfer.complete", call_id=call_id)
        with pytest.raises(ControlError) as missing:
            box.control.call("call.transfer", call_id=call_id)
        assert box.control.call("calls")["calls"][0]["state"] == "talking"
    assert errors == {
        "queue:nope": "bad-target",
        "agent:9999": "agent-unavailable",
        "agent:1003": "agent-unavailable",  # no phone registered
        "ivr:menu": "bad-target",  # this caller never went through an IVR
        "fax:1": "bad-target",
        "1001": "bad-target",  # already with that agent
    }
    assert incomplete.value.error_id == "no-transfer"
    assert missing.value.error_id == "bad-args"


def conference_event(box: Box, call_id: str) -> str:
    """Wait for the outcome of a conference call-out and return its event kind."""
    outcomes = {"conference.joined", "conference.failed"}
    found = wait_for(lambda: outcomes & set(box.kinds(call_id)), 20, "the third party")
    return str(found.pop())


def test_external_three_way_goes_on_as_two_way_when_the_agent_leaves(box: Box) -> None:
    """Seed §19: the agent brings a mobile into the call, then drops out."""
    with connected(box) as (caller, first, call_id), box.far_end("agent_answer", ring_ms=None):
        box.control.call("call.conference", call_id=call_id, target="external:13900139000")
        assert conference_event(box, call_id) == "conference.joined"
        t0 = time.time()
        time.sleep(2)
        first.stop()
        t1 = time.time()
        time.sleep(2)
        t2 = time.time()
        assert box.control.call("calls")["calls"][0]["agent"] == "13900139000"
    # The far end echoes what it hears: the caller hears their own voice come back only
    # through it, with the agent as well while all three are in the call.
    assert level(caller, t0, t0 + 2, CALLER_HZ) > PRESENT
    assert level(caller, t0, t0 + 2, FIRST_HZ) > PRESENT
    assert level(caller, t1, t2, CALLER_HZ) > PRESENT
    assert "conference.handed_over" in box.kinds(box.wait_cdr()["call_id"])


def test_external_three_way_that_is_refused_leaves_the_two_way_call(box: Box) -> None:
    with connected(box) as (caller, _first, call_id), box.far_end("trunk_busy"):
        box.control.call("call.conference", call_id=call_id, target="external:13900139000")
        assert conference_event(box, call_id) == "conference.failed"
        t0 = time.time()
        time.sleep(2)
        t1 = time.time()
        assert box.control.call("calls")["calls"][0]["state"] == "talking"
    assert level(caller, t0, t1, FIRST_HZ) > PRESENT


def test_blind_transfer_to_an_external_number(box: Box) -> None:
    with connected(box) as (caller, first, call_id), box.far_end("agent_answer", ring_ms=None):
        box.control.call("call.transfer", call_id=call_id, target="external:13900139000")
        first.read_until("disconnected", 10)
        wait_for(lambda: "transfer.completed" in box.kinds(call_id), 10, "the far end")
        t0 = time.time()
        time.sleep(2)
        t1 = time.time()
    assert level(caller, t0, t1, CALLER_HZ) > PRESENT  # the far end echoes the caller
    assert level(caller, t0, t1, FIRST_HZ) < ABSENT
    cdr = box.wait_cdr()
    answered = [
        e["data"]["agent"] for e in box.events(cdr["call_id"]) if e["kind"] == "agent.answered"
    ]
    assert answered == ["1001", "13900139000"]


def test_transfer_back_into_the_ivr_menu(box: Box) -> None:
    with box.agent("1001") as agent:
        caller = box.sipp_background("caller_menu", menu_ms=3000, talk_ms=8000)
        agent.read_until("confirmed", 20)
        call_id = box.live_call()
        box.control.call("call.transfer", call_id=call_id, target="ivr:menu")
        agent.read_until("disconnected", 10)
        caller.wait(30)
    events = box.events(call_id)
    after = [
        e
        for e in events
        if e["id"] > next(x["id"] for x in events if x["kind"] == "transfer.started")
    ]
    assert ("ivr.prompt", "menu") in [(e["kind"], e["data"].get("node")) for e in after]


def test_the_customer_record_and_notes_follow_a_transfer(box: Box) -> None:
    """呼叫同步转移: the demo customer ACME calls; the next agent gets its record and notes."""
    with box.agent("1001") as agent, box.agent("1004") as sales:
        caller = box.sipp_background(
            "caller_menu", caller="13900139000", menu_ms=3000, talk_ms=8000
        )
        agent.read_until("confirmed", 20)
        call_id = box.live_call()
        box.control.call("call.note", call_id=call_id, text="invoice 42 is wrong")
        box.control.call("call.transfer", call_id=call_id, target="queue:sales")
        sales.read_until("confirmed", 15)
        caller.wait(30)
    started = next(e for e in box.events(call_id) if e["kind"] == "transfer.started")
    assert started["data"]["customer"]["name"] == "ACME Trading"
    assert started["data"]["notes"] == ["invoice 42 is wrong"]
