"""Queue behaviour with real calls: announcements, exit key, voicemail, external numbers,
join/stay rules and callbacks that keep the caller's place (SIPp callers and trunk far
ends, pjsua2 agent phones, Kamailio and the engine on loopback)."""

from __future__ import annotations

import array
import contextlib
import json
import wave
from typing import Any

import pytest
from boxharness import Box, wait_for

from appliance.engine.control import ControlError
from appliance.store.models import InboundNumber, IvrFlow, Queue, QueueCallback, Trunk

pytestmark = pytest.mark.e2e

MENU_MS = 2200  # during the menu prompt (the welcome lasts 1.8 s)


def first(box: Box, call_id: str, kind: str) -> dict[str, Any]:
    events = box.events(call_id)
    found = [e for e in events if e["kind"] == kind]
    assert found, f"no {kind}: {[(e['kind'], e['data']) for e in events]}"
    return found[0]


def waiting_ids(box: Box) -> list[str]:
    return [c for q in box.control.call("queues")["queues"] for c in q["waiting"]]


def waiting(box: Box) -> int:
    return len(waiting_ids(box))


def test_waiting_caller_hears_position_expected_wait_and_periodic_prompts(box: Box) -> None:
    zh = {"start": "q", "language": "zh", "nodes": {"q": {"type": "queue", "queue": "support"}}}
    IvrFlow.create(name="zh-support", graph=zh)
    InboundNumber.create(number="102", target_type="ivr", target="zh-support")
    box.set_queue(announce_seconds=12, periodic_seconds=5)
    with box.agent("1001"):
        first_call = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=2000)
        assert first_call.returncode == 0, first_call.stdout[-2000:]
        handled = box.wait_cdr(1)  # a real handle time for the estimate
        busy = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=50000)
        try:
            wait_for(lambda: box.agent_status("1001")["state"] == "on_call", 15, "agent busy")
            waiter = box.sipp("caller_abandon", number="102", menu_ms=500, wait_ms=26000)
            assert waiter.returncode == 0, waiter.stdout[-2000:]
        finally:
            busy.kill()
            busy.wait()
    cdr = next(c for c in box.cdrs() if c["to_number"] == "102")
    events = box.events(cdr["call_id"])
    said = [e["data"] for e in events if e["kind"] == "queue.announced"]
    assert len(said) >= 2, [e["kind"] for e in events]  # on joining, and again later
    expected_wait = handled["talk_seconds"]  # one caller ahead of nobody, one agent serving
    for data in said:
        assert (data["position"], data["serving"], data["language"]) == (1, 1, "zh")
        assert data["ewt"] == pytest.approx(expected_wait, abs=0.6)
        assert data["prompts"] == ["queue-position", "num-1", "queue-position-end",
                                   "queue-wait", "num-1", "minute"]  # fmt: skip
    periodic = [e["data"] for e in events if e["kind"] == "queue.periodic"]
    assert periodic and periodic[0] == {"queue": "support", "prompt": "queue-periodic"}
    assert cdr["outcome"] == "abandoned"


def test_exit_key_to_voicemail_records_the_caller(box: Box) -> None:
    # Nobody is registered: join_when=always lets the caller wait anyway.
    box.set_queue(exit_key="1", exit_target="voicemail", join_when="always")
    sipp = box.sipp("caller_voicemail", menu_ms=MENU_MS, exit_ms=3000, greet_ms=6500, talk_ms=8000)
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    left = first(box, cdr["call_id"], "voicemail.left")["data"]
    exit_event = first(box, cdr["call_id"], "queue.exit")["data"]
    assert exit_event == {"queue": "support", "to": "voicemail", "reason": "exit key"}
    assert left["box"] == "support" and 5 <= left["seconds"] <= 12
    path = box.var / "voicemail" / left["file"]
    with wave.open(str(path)) as message:
        seconds = message.getnframes() / message.getframerate()
        samples = array.array("h", message.readframes(message.getnframes()))
    assert seconds == pytest.approx(left["seconds"], abs=1.0)
    assert max(abs(x) for x in samples) > 1000  # the caller's speech, not silence
    assert cdr["outcome"] == "voicemail"


def test_overflow_to_voicemail_ends_the_message_after_silence(box: Box) -> None:
    box.set_queue(max_wait_seconds=2, overflow="voicemail:after-hours", join_when="always")
    sipp = box.sipp("caller_hold_bye", menu_ms=MENU_MS)  # speaks once, then waits in silence
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    left = first(box, cdr["call_id"], "voicemail.left")["data"]
    assert left["box"] == "after-hours" and (box.var / "voicemail" / left["file"]).is_file()
    ended = first(box, cdr["call_id"], "call.ended")["data"]
    assert (ended["by"], ended["reason"]) == ("system", "voicemail silence")
    assert 10 <= left["seconds"] < 30  # the silence, not the 120 s limit, ended it
    assert cdr["outcome"] == "voicemail"


def test_caller_past_max_wait_overflows_to_an_external_number(box: Box) -> None:
    box.set_queue(max_wait_seconds=3, overflow="external:5551234", join_when="always")
    with box.far_end() as (far, trace):
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=9000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
        assert far.wait(30) == 0
    cdr = box.wait_cdr()
    assert "INVITE sip:5551234@127.0.0.1:" in trace.read_text()
    overflow = first(box, cdr["call_id"], "queue.overflow")["data"]
    assert overflow == {"queue": "support", "to": "external:5551234", "reason": "max wait"}
    seen = box.kinds(cdr["call_id"])
    assert seen.index("external.dialing") < seen.index("external.answered")
    assert "bridge.joined" in seen and "recording.started" in seen
    assert (cdr["outcome"], cdr["queue"]) == ("forwarded", "support")
    assert cdr["talk_seconds"] > 2


def test_overflow_to_an_external_number_without_a_trunk_ends_the_call_cleanly(box: Box) -> None:
    """The only trunk is disabled: a phone's caller waiting past max wait is told goodbye."""
    InboundNumber.create(number="200", target_type="queue", target="support")
    Trunk.update(enabled=False).execute()
    box.set_queue(max_wait_seconds=2, overflow="external:5551234", join_when="always")
    with box.agent("1005", call="200") as caller:
        assert caller.read_until("disconnected", 20)["code"] == 200
    cdr = box.wait_cdr()
    assert cdr["outcome"] == "failed"
    assert "external.answered" not in box.kinds(cdr["call_id"])
    assert box.control.call("ping")["calls"] == 0  # nothing left behind


def test_caller_leaves_when_the_stay_rule_fails(box: Box) -> None:
    box.set_queue(stay_when="staffed")
    with box.agent("1001"):
        box.control.call("agent.state", extension="1001", state="not_ready")
        caller = box.sipp_background("caller_hold_bye", menu_ms=MENU_MS)
        try:
            wait_for(lambda: waiting(box) == 1, 15, "a waiting caller")
            box.control.call("agent.state", extension="1001", state="logged_out")
            assert caller.wait(30) == 0  # the box said "no agents" and hung up
        finally:
            caller.kill()
            caller.wait()
    cdr = box.wait_cdr()
    left = first(box, cdr["call_id"], "queue.left")["data"]
    assert left == {"queue": "support", "reason": "no agents (staffed)"}
    assert "queue.empty" in box.kinds(cdr["call_id"]) and cdr["outcome"] == "failed"


def test_join_rule_available_turns_callers_away_when_all_are_busy(box: Box) -> None:
    box.set_queue(join_when="available", overflow="queue:sales")
    with box.agent("1001"), box.agent("1004"):
        box.control.call("agent.state", extension="1001", state="not_ready")
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=2000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    overflow = first(box, cdr["call_id"], "queue.overflow")["data"]
    assert overflow == {"queue": "support", "to": "queue:sales", "reason": "no agents"}
    assert (cdr["outcome"], cdr["agent"]) == ("answered", "1004")


def test_bad_queue_settings_and_commands_are_refused_and_the_call_goes_on(box: Box) -> None:
    with pytest.raises(ControlError, match="no-such") as refused:
        box.control.call("queue.callback", call_id="no-such")
    assert refused.value.error_id == "not-queued"
    Queue.update(exit_key="1", exit_target="phone:1001").where(Queue.name == "support").execute()
    with pytest.raises(ControlError, match="exit_target 'phone:1001' must be") as bad:
        box.control.call("reload")
    assert bad.value.error_id == "bad-config"
    Queue.update(exit_target="", overflow="external:call-me").where(
        Queue.name == "support"
    ).execute()
    with pytest.raises(ControlError, match="not a number to dial"):
        box.control.call("reload")
    box.set_queue(exit_key="", overflow="")
    with box.agent("1001"):
        box.control.call("agent.state", extension="1001", state="not_ready")
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=9000)
        try:
            wait_for(lambda: waiting(box) == 1, 15, "a waiting caller")
            call_id = waiting_ids(box)[0]
            with pytest.raises(ControlError, match="not a number to call back") as number:
                box.control.call("queue.callback", call_id=call_id, number="12ab")
            assert number.value.error_id == "bad-number"
            box.control.call("agent.state", extension="1001", state="ready")
            assert caller.wait(30) == 0
        finally:
            caller.kill()
            caller.wait()
    assert box.wait_cdr()["outcome"] == "answered"  # unharmed: served as if nothing happened


def test_callback_keeps_the_callers_place(box: Box) -> None:
    box.set_queue(exit_key="1", exit_target="callback")
    with box.agent("1001", talk_ms=3000), box.far_end(ring_ms=800) as (far, trace):
        box.control.call("agent.state", extension="1001", state="not_ready")
        a = box.sipp_background("caller_callback", caller="13800138001", menu_ms=MENU_MS,
                                exit_ms=9000, choice_ms=2500)  # fmt: skip
        b = None
        try:
            wait_for(lambda: waiting(box) == 1, 15, "caller A waiting")
            b = box.sipp_background("caller_hold_bye", caller="13800138002", menu_ms=MENU_MS)
            wait_for(lambda: waiting(box) == 2, 15, "caller B waiting")
            requested = wait_for(lambda: _requested(box), 40, "A's callback request")
            box.control.call("agent.state", extension="1001", state="ready")
            assert far.wait(60) == 0  # the box called A back; the agent hung up after talking
            assert a.wait(30) == 0 and b.wait(60) == 0
        finally:
            for proc in (a, b):
                if proc is not None:
                    proc.kill()
                    proc.wait()
    assert "INVITE sip:13800138001@127.0.0.1:" in trace.read_text()
    cdrs = wait_for(lambda: len(box.cdrs()) >= 3 and box.cdrs(), 30, "three CDRs")
    by_from = {(c["from_number"], c["direction"]): c for c in cdrs}
    asked, served = by_from[("13800138001", "inbound")], by_from[("13800138001", "callback")]
    b_cdr = by_from[("13800138002", "inbound")]
    assert requested["data"]["position"] == 1  # A kept the head of the line B joined behind
    assert asked["outcome"] == "callback"
    assert (served["outcome"], served["agent"], served["queue"]) == ("answered", "1001", "support")
    assert served["talk_seconds"] > 1 and served["recording"]
    a_joined = first(box, asked["call_id"], "queue.joined")["at"]
    reserved = first(box, served["call_id"], "agent.answered")["at"]
    assert served["wait_seconds"] == pytest.approx(reserved - a_joined, abs=0.01)  # A's place
    seen = box.kinds(served["call_id"])
    for step in ("agent.ringing", "agent.answered", "callback.dialing", "callback.answered",
                 "bridge.joined"):  # fmt: skip
        assert step in seen, seen
    assert seen.index("agent.answered") < seen.index("callback.dialing")  # agent reserved first
    assert (b_cdr["outcome"], b_cdr["agent"]) == ("answered", "1001")
    b_answered = first(box, b_cdr["call_id"], "agent.answered")["at"]
    assert b_answered > first(box, served["call_id"], "agent.answered")["at"]
    row = QueueCallback.get(QueueCallback.call_id == asked["call_id"])
    assert (row.state, row.attempts, row.number) == ("done", 1, "13800138001")


def _requested(box: Box) -> dict[str, Any] | None:
    """Return the queue.callback_requested event once written."""
    with contextlib.closing(box.db()) as conn:
        row = conn.execute(
            "SELECT data FROM call_event WHERE kind = 'queue.callback_requested'"
        ).fetchone()
    return {"data": json.loads(row["data"])} if row else None


def test_callback_survives_reload_and_engine_restart(box: Box) -> None:
    with box.agent("1001", talk_ms=2000), box.far_end() as (far, trace):
        box.control.call("agent.state", extension="1001", state="not_ready")
        caller = box.sipp_background("caller_hold_bye", caller="13800138003", menu_ms=MENU_MS)
        try:
            wait_for(lambda: waiting(box) == 1, 15, "a waiting caller")
            asked = box.control.call("queue.callback", call_id=waiting_ids(box)[0])
            assert (asked["number"], asked["position"]) == ("13800138003", 1)
            assert caller.wait(40) == 0  # confirmed, and the box hung up
        finally:
            caller.kill()
            caller.wait()
        box.control.call("reload")
        assert waiting(box) == 1  # the callback, with no caller leg
        assert box.engine is not None
        box.engine.terminate()
        assert box.engine.wait(15) == 0
        assert QueueCallback.get().state == "waiting"
        box.start_engine()
        assert waiting(box) == 1  # back in line from the store
        wait_for(lambda: box.agent_status("1001")["registered"], 10, "the phone seen again")
        box.control.call("agent.state", extension="1001", state="ready")
        assert far.wait(60) == 0
    assert "INVITE sip:13800138003@127.0.0.1:" in trace.read_text()
    served = wait_for(
        lambda: [c for c in box.cdrs() if c["direction"] == "callback"], 20, "the callback CDR"
    )[0]
    assert (served["outcome"], served["agent"]) == ("answered", "1001")
    assert QueueCallback.get().state == "done"


def test_callback_to_a_keyed_number_not_answered_is_retried_then_fails(box: Box) -> None:
    box.set_queue(exit_key="1", exit_target="callback", callback_attempts=2,
              callback_retry_seconds=1)  # fmt: skip
    with box.agent("1001"), box.far_end("trunk_busy", calls=2) as (far, trace):
        box.control.call("agent.state", extension="1001", state="not_ready")
        sipp = box.sipp("caller_callback_number", menu_ms=MENU_MS, exit_ms=2000, choice_ms=2500)
        assert sipp.returncode == 0, sipp.stdout[-2000:]  # keyed 2, 34567#; the box hung up
        box.control.call("agent.state", extension="1001", state="ready")
        assert far.wait(60) == 0  # two busy calls
        attempts = wait_for(
            lambda: len(c := [c for c in box.cdrs() if c["direction"] == "callback"]) == 2 and c,
            20,
            "two callback calls",
        )
    assert "INVITE sip:34567@127.0.0.1:" in trace.read_text()
    asked = next(c for c in box.cdrs() if c["direction"] == "inbound")
    assert first(box, asked["call_id"], "queue.callback_requested")["data"]["number"] == "34567"
    failures = [first(box, c["call_id"], "callback.failed")["data"] for c in attempts]
    assert [(f["attempt"], f["code"], f["final"]) for f in failures] == [
        (1, 486, False),
        (2, 486, True),
    ]
    assert [c["outcome"] for c in attempts] == ["failed", "failed"]
    assert QueueCallback.get().state == "failed" and waiting(box) == 0
