"""A phone line on a board, end to end: the `sim` board's line in the engine process.

A call rung on a sim line reaches the IVR, a key pressed on the line sends it to the
support queue, a SIP agent (pjsua2 UA through Kamailio) answers, and a tone sent each
way is heard on the other side; a call out on a sim line dials the number and reports
answer and hangup; a line with no inbound number is refused.
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
from tones import heard, pcm_level, pcm_loudness

from appliance import demo
from appliance.boards.sim.harness import HarnessClient
from appliance.store.models import InboundNumber, OutboundRoute, Trunk

pytestmark = pytest.mark.e2e

MENU_SECONDS = 2.2  # the greeting (≈1.8 s) plays first; the menu takes digits from then on
AGENT_HZ = 1000
LINE_HZ = 600


@contextlib.contextmanager
def sim_box(var: Path, prompts: Path) -> Iterator[tuple[Box, HarnessClient]]:
    """Yield a running box with a three-line sim board, and the board's harness."""
    with tempfile.TemporaryDirectory(prefix="sim") as short:  # a unix socket path is short
        sock = Path(short) / "sim.sock"
        boards = [{"name": "sim", "type": "sim", "ports": 3, "socket": str(sock),
                   "numbers": ["100", "200"]}]  # fmt: skip
        with running_box(var, prompts, CALLBOX_BOARDS=json.dumps(boards)) as box:
            sim = HarnessClient(sock)
            try:
                yield box, sim
            finally:
                sim.close()
        assert not (box.settings.run_dir / "boards.json").exists()  # closed when it stopped


def actions(sim: HarnessClient, port: str, seen: list[dict[str, Any]]) -> list[str]:
    """Return every action the box did on a line so far (kept in seen)."""
    seen += sim.call("actions", port=port)["actions"]
    return [a["action"] for a in seen]


def test_a_line_call_reaches_an_agent_through_the_ivr_and_audio_flows_both_ways(
    tmp_path: Path, prompts: Path
) -> None:
    with sim_box(tmp_path, prompts) as (box, sim):
        status = json.loads((box.settings.run_dir / "boards.json").read_text())["boards"]
        assert [(b["name"], b["state"], len(b["ports"])) for b in status] == [("sim", "ready", 3)]
        with box.agent("1001", tone_hz=AGENT_HZ, record=True) as agent:
            seen: list[dict[str, Any]] = []
            sim.call("ring", port="1", number="13800138000", name="Line caller")
            wait_for(lambda: "answered" in actions(sim, "1", seen), 5, "the box answering")
            time.sleep(MENU_SECONDS)
            greeting = sim.heard("1")
            sim.call("dtmf", port="1", digits="2")
            recording = agent.read_until("recording", 15)
            call_id = box.live_call()
            wait_for(lambda: "bridge.joined" in box.kinds(call_id), 10, "the bridge")
            sim.call("play", port="1", tone_hz=LINE_HZ, seconds=4.0)
            sim.heard("1")  # drop what came before the bridge
            start = time.time()
            time.sleep(3.0)
            line_heard = sim.heard("1")
            end = time.time()
            sim.call("hangup", port="1")
            agent.read_until("disconnected", 10)
        # the IVR's prompt reached the line
        assert pcm_loudness(greeting) > 300, pcm_loudness(greeting)
        assert len(line_heard) > 2.0 * 16000, len(line_heard)  # a steady 20 ms clock
        assert pcm_level(line_heard, AGENT_HZ) > 3000, pcm_level(line_heard, AGENT_HZ)
        assert pcm_level(line_heard, LINE_HZ) < 300, pcm_level(line_heard, LINE_HZ)
        at = float(recording["at"])
        to_agent = heard(Path(recording["path"]), start - at, end - at, LINE_HZ, True)
        assert to_agent > 3000, to_agent
        echo = heard(Path(recording["path"]), start - at, end - at, AGENT_HZ, True)
        assert echo < 300, echo  # the agent does not hear their own voice back
        cdr = box.wait_cdr()
    assert (cdr["from_number"], cdr["to_number"]) == ("13800138000", "100")
    assert (cdr["queue"], cdr["agent"], cdr["outcome"]) == ("support", "1001", "answered")
    events = box.events(cdr["call_id"])
    kinds = [e["kind"] for e in events]
    expected = ["call.started", "ivr.entered", "dtmf", "queue.joined", "agent.ringing",
                "agent.answered", "bridge.joined", "call.ended"]  # fmt: skip
    assert [k for k in kinds if k in expected] == expected, kinds
    assert events[0]["data"]["via"] == "line" and events[0]["data"]["source"] == "sim/1"
    assert next(e for e in events if e["kind"] == "dtmf")["data"] == {"digit": "2", "node": "menu"}
    assert events[-1]["data"]["by"] == "caller"


def test_a_call_out_on_a_line_and_a_line_without_a_number(tmp_path: Path, prompts: Path) -> None:
    with sim_box(tmp_path, prompts) as (box, sim):
        seen: list[dict[str, Any]] = []
        call_id = box.control.call("line.dial", port="sim/2", number="13900139000")["call_id"]
        wait_for(lambda: "dialled" in actions(sim, "2", seen), 5, "the line dialling")
        assert seen[0]["number"] == "13900139000"
        lines = {x["port"]: x for x in box.control.call("lines")["lines"]}
        assert lines["sim/2"]["state"] == "dialing" and lines["sim/2"]["call_id"] == call_id
        sim.call("answer", port="2")
        wait_for(lambda: "outbound.answered" in box.kinds(call_id), 5, "the answer")
        time.sleep(1.0)
        sim.call("hangup", port="2")
        cdr = box.wait_cdr()
        assert (cdr["call_id"], cdr["direction"], cdr["to_number"]) == (
            call_id, "outbound", "13900139000")  # fmt: skip
        assert cdr["outcome"] == "answered" and cdr["talk_seconds"] >= 0.8
        assert box.kinds(call_id)[-1] == "call.ended"
        # a busy line is refused, and so is a line that does not exist
        sim.call("ring", port="1", number="555")
        wait_for(lambda: box.control.call("calls")["calls"], 5, "the call in")
        with pytest.raises(Exception, match="busy"):
            box.control.call("line.dial", port="sim/1", number="123")
        with pytest.raises(Exception, match="no line port"):
            box.control.call("line.dial", port="sim/9", number="123")
        sim.call("hangup", port="1")
        box.wait_cdr(2)
        # sim/3 has no inbound number: its call is refused, the line hung up, a CDR kept;
        # it rings with no caller ID, so the box waits a second for one first
        seen3: list[dict[str, Any]] = []
        rung = time.time()
        sim.call("ring", port="3")
        wait_for(lambda: "hung_up" in actions(sim, "3", seen3), 5, "the refusal")
        assert seen3[0]["at"] - rung > 0.9
        assert "answered" not in [a["action"] for a in seen3]
        assert sim.call("state", port="3")["state"] == "idle"
        refused = box.wait_cdr(3)
        assert refused["from_number"] == ""
        ended = box.events(refused["call_id"])[-1]
        assert ended["kind"] == "call.ended" and "no inbound number" in ended["data"]["reason"]


def test_an_agent_hanging_up_hangs_up_the_line(tmp_path: Path, prompts: Path) -> None:
    with sim_box(tmp_path, prompts) as (box, sim):
        InboundNumber.create(number="200", target_type="queue", target="support")
        box.control.call("reload")
        with box.agent("1002", talk_ms=1500) as agent:
            seen: list[dict[str, Any]] = []
            sim.call("ring", port="2", number="13600136000")
            agent.read_until("disconnected", 15)
            wait_for(lambda: "hung_up" in actions(sim, "2", seen), 5, "the line hung up")
        assert [a["action"] for a in seen] == ["answered", "hung_up"]
        cdr = box.wait_cdr()
        assert (cdr["to_number"], cdr["queue"], cdr["agent"]) == ("200", "support", "1002")
        assert cdr["outcome"] == "answered"
        assert box.events(cdr["call_id"])[-1]["data"]["by"] == "agent"


def test_an_outbound_route_on_a_line_trunk_dials_through_the_line(
    tmp_path: Path, prompts: Path
) -> None:
    with sim_box(tmp_path, prompts) as (box, sim):
        Trunk.create(name="sim-line", kind="line", host="sim/2", port=0)
        OutboundRoute.update(trunks=["sim-line"]).where(
            OutboundRoute.name == demo.OUTSIDE_LINE
        ).execute()
        box.control.call("reload")
        seen: list[dict[str, Any]] = []
        with box.agent("1001", tone_hz=AGENT_HZ, call="901012345678", talk_ms=2500) as phone:
            wait_for(lambda: "dialled" in actions(sim, "2", seen), 10, "the line dialling")
            assert seen[0]["number"] == "01012345678"  # the route took the 9 off
            sim.call("answer", port="2")
            phone.read_until("confirmed", 10)
            time.sleep(1.0)
            sim.heard("2")
            time.sleep(1.0)
            line_heard = sim.heard("2")
            phone.read_until("disconnected", 10)
            wait_for(lambda: "hung_up" in actions(sim, "2", seen), 5, "the line hung up")
        assert pcm_level(line_heard, AGENT_HZ) > 3000, pcm_level(line_heard, AGENT_HZ)
        cdr = box.wait_cdr()
        assert (cdr["direction"], cdr["outcome"], cdr["agent"]) == ("outbound", "answered", "1001")
        kinds = box.kinds(cdr["call_id"])
        assert kinds.index("outbound.routed") < kinds.index("outbound.answered")
        assert sim.call("state", port="2")["state"] == "idle"
        # the far end busy: the phone's call ends unanswered
        seen.clear()
        with box.agent("1001", call="901099999999") as phone:
            wait_for(lambda: "dialled" in actions(sim, "2", seen), 10, "the second dialling")
            sim.call("hangup", port="2", cause="busy")
            phone.read_until("disconnected", 10)
        busy = box.wait_cdr(2)
        assert (busy["direction"], busy["to_number"]) == ("outbound", "901099999999")
        assert busy["outcome"] != "answered" and not busy["talk_seconds"], busy
