"""An analog phone on an FXS port as an extension, end to end (the sim board's phone).

A SIP phone (pjsua2 UA through Kamailio) calls extension 1003, which is the sim board's
FXS port: the phone rings, hears the caller's number and name as Bell 202 FSK (decoded
here), is lifted, and a tone sent each way is heard on the other side.
"""

from __future__ import annotations

import array
import contextlib
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, running_box, wait_for
from tones import amplitude, heard

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
                   "extensions": {"2": PHONE}}]  # fmt: skip
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


def level(pcm: bytes, hz: int) -> float:
    """Return the amplitude of hz in 8 kHz 16-bit PCM."""
    return amplitude(array.array("h", pcm), 8000, hz)


def test_a_sip_phone_calls_the_analog_phone_which_shows_the_caller_and_talks(
    tmp_path: Path, prompts: Path
) -> None:
    with phone_box(tmp_path, prompts) as (box, sim):
        assert box.agent_status(PHONE)["registered"]  # the port is its phone
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
    assert level(phone_heard, AGENT_HZ) > 3000, level(phone_heard, AGENT_HZ)
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
        with box.agent("1001", tone_hz=AGENT_HZ, record=True) as callee:
            sim.call("lift", port="2")
            time.sleep(0.6)
            dial_tone = sim.heard("2")
            sim.call("dtmf", port="2", digits="1001#")
            callee.read_until("incoming", 10)
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
    assert level(dial_tone, 350) > 1500 and level(dial_tone, 440) > 1500
    assert level(phone_heard, AGENT_HZ) > 3000, level(phone_heard, AGENT_HZ)
    assert level(phone_heard, 440) < 300  # the dial tone stopped at the first key
    at = float(recording["at"])
    to_callee = heard(Path(recording["path"]), start - at, end - at, PHONE_HZ, True)
    assert to_callee > 3000, to_callee
    assert (cdr["from_number"], cdr["to_number"], cdr["direction"]) == (PHONE, "1001", "internal")
    assert (cdr["agent"], cdr["outcome"]) == ("1001", "answered")
    started = box.events(cdr["call_id"])[0]["data"]
    assert (started["via"], started["source"]) == ("edge", "sim/2")
