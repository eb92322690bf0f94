"""One real call end to end: trunk → IVR → DTMF → queue → agent → recording → CDR."""

from __future__ import annotations

import signal
import socket
import time
import wave
from pathlib import Path

import pytest
from boxharness import Box

from appliance.store.models import Queue

pytestmark = pytest.mark.e2e

# The greeting (≈1.8 s) plays first; the menu takes digits from then on.
MENU_MS = 2200  # during the menu prompt (the welcome lasts 1.8 s)


def kinds(events: list[dict]) -> list[str]:
    return [e["kind"] for e in events]


def test_caller_reaches_agent_and_is_recorded(box: Box) -> None:
    with box.agent("1001") as phone:
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=6000)
        assert sipp.returncode == 0, sipp.stdout[-2000:] + box.log_tail("engine")
        phone.read_until("disconnected")
    cdr = box.wait_cdr()
    events = box.events(cdr["call_id"])
    sequence = kinds(events)
    expected = ["call.started", "ivr.entered", "ivr.prompt", "ivr.prompt", "dtmf",
                "queue.joined", "agent.ringing", "agent.answered", "bridge.joined",
                "recording.started", "call.ended"]  # fmt: skip
    assert [k for k in sequence if k in expected] == expected, sequence
    assert events[4]["data"] == {"digit": "2", "node": "menu"}
    assert events[5]["data"]["queue"] == "support"
    # CDR fields derived from the events
    assert cdr["outcome"] == "answered"
    assert (cdr["from_number"], cdr["to_number"]) == ("13800138000", "100")
    assert (cdr["queue"], cdr["agent"], cdr["direction"]) == ("support", "1001", "inbound")
    assert 0 <= cdr["wait_seconds"] < 3
    assert 4.5 < cdr["talk_seconds"] < 8.5
    # RTP flowed both ways through the engine, and the caller's voice reached the agent
    rtp = events[-1]["data"]["rtp"]
    assert rtp["caller"]["rx"] > 100 and rtp["agent"]["rx"] > 100, rtp
    heard = next(line for line in phone.lines if line["event"] == "disconnected")
    assert heard["rx"] > 100 and heard["tx"] > 100 and heard["max_rx_level"] > 0, heard
    # The recording exists and lasts about as long as the talk
    path = Path(box.settings.paths.recordings) / cdr["recording"]
    with wave.open(str(path)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert abs(seconds - cdr["talk_seconds"]) < 1.5, (seconds, cdr["talk_seconds"])


def test_caller_hanging_up_in_queue_is_abandoned(box: Box) -> None:
    with box.agent("1002"):
        box.control.call("agent.state", extension="1002", state="not_ready")
        for ext in ("1001", "1003"):
            assert not box.agent_status(ext)["registered"]
        sipp = box.sipp("caller_abandon", menu_ms=MENU_MS, wait_ms=4000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["queue"], cdr["agent"]) == ("abandoned", "support", None)
    assert 3 < cdr["wait_seconds"] < 6
    sequence = kinds(box.events(cdr["call_id"]))
    assert "queue.left" in sequence and "agent.ringing" not in sequence


def test_no_agent_registered_gets_a_defined_outcome(box: Box) -> None:
    sipp = box.sipp("caller_hold_bye", menu_ms=MENU_MS)
    assert sipp.returncode == 0, sipp.stdout[-2000:]  # the box hung up cleanly
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["queue"], cdr["agent"]) == ("failed", "support", None)
    events = box.events(cdr["call_id"])
    assert "queue.empty" in kinds(events)
    assert events[-1]["data"]["reason"] == "no agents"


def test_unknown_number_is_refused_and_recorded(box: Box) -> None:
    sipp = box.sipp("caller_refused", number="999")
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["to_number"]) == ("failed", "999")
    assert "unknown number" in box.events(cdr["call_id"])[-1]["data"]["reason"]


def test_agent_not_answering_is_skipped_for_the_next(box: Box) -> None:
    # Queue settings change live: a shorter ring time, applied by `reload`.
    Queue.update(ring_seconds=3).where(Queue.name == "support").execute()
    box.control.call("reload")
    with box.agent("1001", answer_ms=-1), box.agent("1002"):
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=9000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    events = box.events(cdr["call_id"])
    rung = [e["data"]["agent"] for e in events if e["kind"] == "agent.ringing"]
    assert rung == ["1001", "1002"], rung
    assert "agent.no_answer" in kinds(events)
    assert (cdr["outcome"], cdr["agent"]) == ("answered", "1002")


def test_engine_killed_mid_call_closes_it_as_interrupted(box: Box) -> None:
    with box.agent("1001") as phone:
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=30000)
        try:
            phone.read_until("confirmed", timeout=20)
            time.sleep(2)  # let some audio reach the recording
            assert box.engine is not None
            box.engine.send_signal(signal.SIGKILL)
            box.engine.wait(5)
        finally:
            caller.kill()
            caller.wait()
    assert box.cdrs() == []  # nothing closed the call yet
    box.start_engine()  # recovery runs before the engine takes calls
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["agent"], cdr["queue"]) == ("interrupted", "1001", "support")
    path = Path(box.settings.paths.recordings) / cdr["recording"]
    with wave.open(str(path)) as w:  # the header was repaired: the audio has a length
        assert w.getnframes() / w.getframerate() > 1.0
        assert w.getnframes() * w.getsampwidth() == path.stat().st_size - 44  # all of it
    # The agent the crash left on the call is put back, with an event saying why.
    states = [e["data"] for e in box.events("") if e["kind"] == "agent.state"]
    mine = [d for d in states if d["agent"] == "1001"]
    assert mine[-1] == {"agent": "1001", "state": "ready", "reason": "",
                        "recovered": "engine restarted"}, mine  # fmt: skip
    assert box.agent_status("1001")["state"] == "ready"


def test_phone_dials_the_ivr_through_the_sip_edge(box: Box) -> None:
    # A softphone user (extension 1004) calls 100 like any caller: 407, credentials, IVR.
    with box.agent("1001") as phone:
        sipp = box.sipp("phone_menu", caller="1004", phone=True, menu_ms=MENU_MS, talk_ms=3000)
        assert sipp.returncode == 0, sipp.stdout[-2000:] + box.log_tail("engine")
        phone.read_until("disconnected")
    cdr = box.wait_cdr()
    assert (cdr["from_number"], cdr["to_number"], cdr["direction"]) == ("1004", "100", "internal")
    assert (cdr["outcome"], cdr["queue"], cdr["agent"]) == ("answered", "support", "1001")
    via = box.events(cdr["call_id"])[0]["data"]
    assert via["via"] == "edge"


def test_malformed_sip_is_dropped_and_calls_go_on(box: Box) -> None:
    junk = [
        b"\x00\xff" * 300,
        b"INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\n\r\n",
        b"INVITE sip:100@127.0.0.1 SIP/2.0\r\nContent-Length: 99999\r\n\r\nv=0",
        "REGISTER sip:é SIP/2.0\r\nFrom: <sip:ü>\r\n\r\n".encode(),
        b"SIP/2.0 200 OK\r\nCall-ID: nobody\r\n\r\n",
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for datagram in junk * 20:
            s.sendto(datagram, ("127.0.0.1", box.settings.engine.trunk_port))
    assert box.control.call("ping")["calls"] == 0
    sipp = box.sipp("caller_refused", number="555")  # the engine still answers properly
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    assert box.engine is not None and box.engine.poll() is None
