"""An analog phone on an FXS port as an extension, end to end (the sim board's phone).

A SIP phone (pjsua2 UA through Kamailio) calls extension 1003, which is the sim board's
FXS port: the phone rings, hears the caller's number and name as Bell 202 FSK (decoded
here), is lifted, and a tone sent each way is heard on the other side.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, running_box, wait_for
from tones import heard, pcm_level

from appliance.boards.callerid.receiver import CallerIdReceiver
from appliance.boards.sim.harness import HarnessClient

pytestmark = pytest.mark.e2e

PHONE = "1003"
AGENT_HZ = 1000
PHONE_HZ = 600


@contextlib.contextmanager
def phone_box(var: Path, prompts: Path) -> Iterator[tuple[Box, HarnessClient]]:
    """Yield a running box whose sim board has a line and a phone (sim/2 = 1003)."""
    with tempfile.TemporaryDirectory(prefix="sim") as short:
        sock = Path(short) / "sim.sock"
        boards = [{"name": "sim", "type": "sim", "ports": 1, "fxs": 1, "socket": str(sock),
                   "numbers": ["100", PHONE]}]  # fmt: skip
        with running_box(var, prompts, CALLBOX_BOARDS=json.dumps(boards)) as box:
            sim = HarnessClient(sock)
            try:
                yield box, sim
            finally:
                sim.close()


def actions(sim: HarnessClient, seen: list[dict[str, Any]]) -> list[str]:
    """Return every action the box did on the phone so far (kept in seen)."""
    seen += sim.call("actions", port="2")["actions"]
    return [a["action"] for a in seen]


def test_a_sip_phone_calls_the_analog_phone_which_shows_the_caller_and_talks(
    tmp_path: Path, prompts: Path
) -> None:
    with phone_box(tmp_path, prompts) as (box, sim):
        assert box.agent_status(PHONE)["registered"]  # the port is its phone
        lines = {x["port"]: x for x in box.control.call("lines")["lines"]}
        assert (lines["sim/2"]["extension"], lines["sim/1"]["extension"]) == (PHONE, "")
        assert lines["sim/1"]["number"] == "100"
        with box.agent("1001", tone_hz=AGENT_HZ, record=True, call=PHONE, talk_ms=6000) as caller:
            seen: list[dict[str, Any]] = []
            wait_for(lambda: "ringing" in actions(sim, seen), 10, "the phone ringing")
            shown = heard_caller_id(sim.heard("2"))
            sim.call("lift", port="2")
            recording = caller.read_until("recording", 15)
            call_id = box.live_call()
            wait_for(lambda: "bridge.joined" in box.kinds(call_id), 10, "the bridge")
            sim.call("play", port="2", tone_hz=PHONE_HZ, seconds=3.0)
            sim.heard("2")
            start = time.time()
            time.sleep(2.5)
            phone_heard = sim.heard("2")
            end = time.time()
            caller.read_until("disconnected", 15)
        wait_for(lambda: "hung_up" in actions(sim, seen), 5, "the phone hung up")
        cdr = box.wait_cdr()
    assert seen[0]["caller_id"] == "1001" and seen[0]["name"]
    assert shown == ("1001", seen[0]["name"])
    assert pcm_level(phone_heard, AGENT_HZ) > 3000, pcm_level(phone_heard, AGENT_HZ)
    at = float(recording["at"])
    to_caller = heard(Path(recording["path"]), start - at, end - at, PHONE_HZ, True)
    assert to_caller > 3000, to_caller
    assert (cdr["direction"], cdr["to_number"], cdr["agent"], cdr["outcome"]) == (
        "internal", PHONE, PHONE, "answered")  # fmt: skip


def heard_caller_id(pcm: bytes) -> tuple[str, str]:
    """Return the number and name the FSK in what the phone heard carries."""
    receiver = CallerIdReceiver("bell")
    for i in range(0, len(pcm), 320):
        cid = receiver.feed_pcm(pcm[i : i + 320])
        if cid is not None:
            return cid.number, cid.name
    raise AssertionError("no caller ID reached the phone")


def test_the_analog_phone_lifted_hears_dial_tone_and_calls_a_sip_extension(
    tmp_path: Path, prompts: Path
) -> None:
    with phone_box(tmp_path, prompts) as (box, sim):
        with box.agent("1001", answer_ms=2500, tone_hz=AGENT_HZ, record=True) as callee:
            sim.call("lift", port="2")
            time.sleep(0.6)
            dial_tone = sim.heard("2")
            sim.call("dtmf", port="2", digits="1001#")
            callee.read_until("incoming", 10)
            sim.heard("2")
            time.sleep(1.2)  # the callee rings (answers after 2.5 s): ringback
            ringback = sim.heard("2")
            recording = callee.read_until("recording", 15)
            call_id = box.live_call()
            wait_for(lambda: "bridge.joined" in box.kinds(call_id), 10, "the bridge")
            sim.call("play", port="2", tone_hz=PHONE_HZ, seconds=3.0)
            sim.heard("2")
            start = time.time()
            time.sleep(2.5)
            phone_heard = sim.heard("2")
            end = time.time()
            sim.call("hangup", port="2")
            callee.read_until("disconnected", 10)
        cdr = box.wait_cdr()
    assert len(dial_tone) > 0.4 * 16000, len(dial_tone)
    assert pcm_level(dial_tone, 350) > 1500 and pcm_level(dial_tone, 440) > 1500
    assert pcm_level(phone_heard, AGENT_HZ) > 3000, pcm_level(phone_heard, AGENT_HZ)
    assert pcm_level(ringback, 440) > 1500 and pcm_level(ringback, 480) > 1500
    assert pcm_level(ringback, 350) < 300  # not the dial tone
    assert pcm_level(phone_heard, 440) < 300  # dial tone and ringback stopped
    assert pcm_level(phone_heard, 480) < 300
    at = float(recording["at"])
    to_callee = heard(Path(recording["path"]), start - at, end - at, PHONE_HZ, True)
    assert to_callee > 3000, to_callee
    assert (cdr["from_number"], cdr["to_number"], cdr["direction"]) == (PHONE, "1001", "internal")
    assert (cdr["agent"], cdr["outcome"]) == ("1001", "answered")
    started = box.events(cdr["call_id"])[0]["data"]
    assert (started["via"], started["source"]) == ("edge", "sim/2")


def test_a_phone_put_down_mid_number_places_nothing_and_a_pause_completes_one(
    tmp_path: Path, prompts: Path
) -> None:
    with phone_box(tmp_path, prompts) as (box, sim):
        sim.call("lift", port="2")
        sim.call("dtmf", port="2", digits="10")
        sim.call("hangup", port="2")  # put down after two keys
        sim.call("lift", port="2")
        lifted = time.monotonic()
        sim.call("dtmf", port="2", digits="95511")  # no #: the pause ends the number
        call_id = box.live_call(timeout=10)
        waited = time.monotonic() - lifted
        started = wait_for(lambda: box.events(call_id), 5, "its events")[0]["data"]
        time.sleep(0.5)
        calls = box.control.call("calls")["calls"]
        sim.call("hangup", port="2")  # the carrier never answers: the phone gives up
        cdr = box.wait_cdr()
        time.sleep(0.5)
        cdrs = box.cdrs()
    assert waited >= 3.5, waited  # placed after the inter-digit pause, not before
    assert (started["from"], started["to"], started["direction"]) == (PHONE, "95511", "outbound")
    assert len(calls) == 1  # the put-down number was never placed
    assert [(c["from_number"], c["to_number"]) for c in cdrs] == [(PHONE, "95511")]
    assert cdr["direction"] == "outbound" and cdr["outcome"] != "answered"


def test_a_line_call_queued_to_an_agent_whose_phone_is_analog(
    tmp_path: Path, prompts: Path
) -> None:
    """The support queue's agent 1001 sits at the sim board's FXS phone: a call on the
    sim line goes through the IVR (key 2) to the queue, rings the phone with the line's
    caller ID, and once lifted each side hears the other."""
    with tempfile.TemporaryDirectory(prefix="sim") as short:
        sock = Path(short) / "sim.sock"
        boards = [{"name": "sim", "type": "sim", "ports": 1, "fxs": 1, "socket": str(sock),
                   "numbers": ["100", "1001"]}]  # fmt: skip
        with running_box(tmp_path, prompts, CALLBOX_BOARDS=json.dumps(boards)) as box:
            sim = HarnessClient(sock)
            try:
                seen: list[dict[str, Any]] = []
                sim.call("ring", port="1", number="13800138000", name="Zhang Wei")
                wait_for(lambda: sim.call("state", port="1")["state"] == "active", 5, "answer")
                time.sleep(2.2)  # the greeting, then the menu takes keys
                sim.call("dtmf", port="1", digits="2")
                wait_for(lambda: "ringing" in actions(sim, seen), 15, "the agent's phone")
                shown = heard_caller_id(sim.heard("2"))
                sim.call("lift", port="2")
                call_id = box.live_call()
                wait_for(lambda: "bridge.joined" in box.kinds(call_id), 10, "the bridge")
                sim.call("play", port="1", tone_hz=PHONE_HZ, seconds=3.0)
                sim.call("play", port="2", tone_hz=AGENT_HZ, seconds=3.0)
                sim.heard("1"), sim.heard("2")
                time.sleep(2.0)
                line_heard, phone_heard = sim.heard("1"), sim.heard("2")
                sim.call("hangup", port="1")
                wait_for(lambda: "hung_up" in actions(sim, seen), 5, "the phone hung up")
                cdr = box.wait_cdr()
            finally:
                sim.close()
    assert shown == ("13800138000", "Zhang Wei")  # the line's caller ID, passed on
    assert pcm_level(phone_heard, PHONE_HZ) > 3000 and pcm_level(line_heard, AGENT_HZ) > 3000
    assert pcm_level(phone_heard, AGENT_HZ) < 300 and pcm_level(line_heard, PHONE_HZ) < 300
    assert (cdr["from_number"], cdr["queue"], cdr["agent"], cdr["outcome"]) == (
        "13800138000", "support", "1001", "answered")  # fmt: skip


def test_the_analog_phone_dials_a_feature_code_and_a_busy_phone_is_not_rung(
    tmp_path: Path, prompts: Path
) -> None:
    """*78# from the analog phone puts its extension in DND (confirmed, then the box hangs
    up); off hook dialling, a call to it is not rung on the port (480/486, not 'ringing')."""
    with phone_box(tmp_path, prompts) as (box, sim):
        seen: list[dict[str, Any]] = []
        sim.call("lift", port="2")
        sim.call("dtmf", port="2", digits="*78#")
        wait_for(lambda: box.agent_status(PHONE)["state"] == "dnd", 10, "DND from the phone")
        wait_for(lambda: "hung_up" in actions(sim, seen), 10, "the box ending the feature call")
        box.control.call("agent.state", extension=PHONE, state="ready")
        wait_for(lambda: box.agent_status(PHONE)["state"] == "ready", 5, "ready again")
        sim.call("lift", port="2")  # off hook, dialling: busy
        with box.agent("1001", call=PHONE, talk_ms=500) as caller:
            caller.read_until("disconnected", 15)
        new = lambda: [c for c in box.cdrs() if c["from_number"] == "1001"]  # noqa: E731
        [cdr] = wait_for(new, 10, "the CDR of the call to the busy phone")
        done = actions(sim, seen)
    assert "ringing" not in done
    assert cdr["to_number"] == PHONE
    assert cdr["outcome"] != "answered" and cdr["talk_seconds"] in (0, None)
