"""A GSM line, end to end: the engine runs a `gsm` board on the simulated module's ptys.

A call rung on the module reaches the IVR, a key the caller presses (the module's DTMF
report) sends it to the support queue, a SIP agent answers, and a tone each way crosses
the module's PCM audio port and the bridge. While the box runs, the board's health is
polled: a SIM pulled out raises the watchdog's boards alert and clears when it is back.
A module plugged in later is opened when udev's rule runs `callbox boards hotplug`
(board-added fires once); unplugged, it is closed without touching a call on another
board.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, running_box, wait_for
from modem_sim import EC25, SIM7600, ModemSimulator
from tones import heard, pcm_level, pcm_loudness

from appliance.boards.sim.harness import HarnessClient
from appliance.engine.control import ControlError
from appliance.health import check_results
from appliance.health.actions import Actions
from appliance.health.alerts import active
from appliance.health.checks import discover
from appliance.store.manager import open_store

pytestmark = pytest.mark.e2e

MENU_SECONDS = 2.2  # the greeting plays first; the menu takes digits from then on
AGENT_HZ = 1000
LINE_HZ = 600
RULES = Path(__file__).parents[2] / "appliance/boards/udev/90-callbox-boards.rules"


def gsm_board(name: str, sim: ModemSimulator | None, device: str, var: Path) -> dict[str, Any]:
    """Return the config of a gsm board on a simulated module (short timeouts)."""
    return {"name": name, "type": "gsm", "device": device, "numbers": ["100"],
            "audio_device": sim.audio_path if sim else "", "command_timeout": 0.5,
            "answer_timeout": 2.0, "sms_file": str(var / f"{name}-sms.jsonl")}  # fmt: skip


def board_states(box: Box) -> dict[str, Any]:
    """Return each board's state and its ports' problems, from <run>/boards.json."""
    boards = json.loads((box.settings.run_dir / "boards.json").read_text())["boards"]
    return {b["name"]: (b["state"], [p["problems"] for p in b["ports"]]) for b in boards}


def test_a_gsm_call_reaches_an_agent_through_the_ivr_and_audio_flows_both_ways(
    tmp_path: Path, prompts: Path
) -> None:
    modem = ModemSimulator(SIM7600)
    boards = [gsm_board("mobile", modem, modem.path, tmp_path)]
    try:
        with running_box(tmp_path, prompts, CALLBOX_BOARDS=json.dumps(boards)) as box:
            assert board_states(box) == {"mobile": ("ready", [[]])}
            with box.agent("1001", tone_hz=AGENT_HZ, record=True) as agent:
                modem.incoming_call("13800138000")
                wait_for(lambda: modem.state.pcm, 5, "the box answering, PCM on")
                assert "ATA" in modem.state.received
                modem.take_heard()
                time.sleep(MENU_SECONDS)
                greeting = modem.take_heard()
                modem.press("2")
                recording = agent.read_until("recording", 15)
                call_id = box.live_call()
                wait_for(lambda: "bridge.joined" in box.kinds(call_id), 10, "the bridge")
                time.sleep(0.5)
                modem.take_heard()  # drop what came before the bridge
                start = time.time()
                time.sleep(2.0)
                line_heard = modem.take_heard()
                end = time.time()
                modem.remote_hangup()
                agent.read_until("disconnected", 10)
            # the IVR's prompt on the line
            assert pcm_loudness(greeting) > 300, pcm_loudness(greeting)
            assert len(line_heard) > 1.5 * 16000, len(line_heard)  # a steady 20 ms clock
            assert pcm_level(line_heard, AGENT_HZ) > 3000, pcm_level(line_heard, AGENT_HZ)
            assert pcm_level(line_heard, LINE_HZ) < 300, pcm_level(line_heard, LINE_HZ)
            at = float(recording["at"])
            to_agent = heard(Path(recording["path"]), start - at, end - at, LINE_HZ, True)
            assert to_agent > 3000, to_agent
            echo = heard(Path(recording["path"]), start - at, end - at, AGENT_HZ, True)
            assert echo < 300, echo
            cdr = box.wait_cdr()
            wait_for(lambda: "AT+CPCMREG=0" in modem.state.received, 5, "PCM off at hangup")
    finally:
        modem.close()
    assert (cdr["from_number"], cdr["to_number"]) == ("13800138000", "100")
    assert (cdr["queue"], cdr["agent"], cdr["outcome"]) == ("support", "1001", "answered")
    events = box.events(cdr["call_id"])
    kinds = [e["kind"] for e in events]
    expected = ["call.started", "ivr.entered", "dtmf", "queue.joined", "agent.answered",
                "bridge.joined", "call.ended"]  # fmt: skip
    assert [k for k in kinds if k in expected] == expected, kinds
    assert events[0]["data"]["source"] == "mobile/1"


def alert_keys(box: Box, actions: Actions) -> set[str]:
    """Run the watchdog's boards check and its actions once; return the active board alerts."""
    actions.apply(discover(), check_results(box.settings, only=("boards",)))
    return {a.key for a in active() if a.key.startswith("board.")}


def hotplug(box: Box, action: str, devname: str, vendor: str) -> subprocess.CompletedProcess[str]:
    """Run the udev rule's RUN command as udev would: its $env{} from the event's values."""
    rule = next(line for line in RULES.read_text().splitlines() if 'SUBSYSTEM=="tty"' in line)
    run = rule.split('RUN+="', 1)[1].rstrip('"')
    event = {"ACTION": action, "DEVNAME": devname, "ID_VENDOR_ID": vendor}
    for key, value in event.items():
        run = run.replace(f"$env{{{key}}}", value)
    argv = shlex.split(run)
    assert argv[0] == "/usr/local/bin/callbox" and "$" not in run, run
    command = [sys.executable, "-m", "appliance.cli", *argv[1:]]
    return subprocess.run(command, env={**box.env, **event}, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


@contextlib.contextmanager
def health_box(var: Path, prompts: Path) -> Iterator[tuple[Box, ModemSimulator, HarnessClient]]:
    """Yield a box with a gsm board (polled every 0.3 s), a sim board and an absent module."""
    modem = ModemSimulator(EC25)
    with tempfile.TemporaryDirectory(prefix="gsm") as short:
        sock, spare = Path(short) / "sim.sock", Path(short) / "ttySpare"
        boards = [gsm_board("mobile", modem, modem.path, var),
                  {"name": "sim", "type": "sim", "ports": 1, "socket": str(sock),
                   "numbers": ["100"]},
                  gsm_board("spare", None, str(spare), var)]  # fmt: skip
        hooks = var / "local-hooks"
        record = var / "added.txt"
        (hooks / "board-added.d").mkdir(parents=True)
        hook = hooks / "board-added.d" / "record"
        hook.write_text(f'#!/bin/sh\necho "$CALLBOX_HOOK_BOARD" >> {record}\n')
        hook.chmod(0o755)
        try:
            with running_box(var, prompts, CALLBOX_BOARDS=json.dumps(boards),
                             CALLBOX_ENGINE__BOARDS_POLL_SECONDS="0.3",
                             CALLBOX_HOOKS__LOCAL=str(hooks),
                             CALLBOX_WATCHDOG__FAILURES_BEFORE_ACTION="1") as box:  # fmt: skip
                sim = HarnessClient(sock)
                try:
                    yield box, modem, sim
                finally:
                    sim.close()
        finally:
            modem.close()


def test_live_board_health_and_hotplug(tmp_path: Path, prompts: Path) -> None:
    with health_box(tmp_path, prompts) as (box, modem, sim):
        record = tmp_path / "added.txt"
        assert board_states(box) == {"mobile": ("ready", [[]]), "sim": ("ready", [[]]),
                                     "spare": ("unavailable", [])}  # fmt: skip
        assert sorted(record.read_text().split()) == ["mobile", "sim"]
        database = open_store(box.settings, migrate=False)
        actions = Actions(box.settings, database)
        assert alert_keys(box, actions) == {"board.spare"}
        # the SIM pulled out while running: the poll sees it, the watchdog raises the alert
        modem.state.sim = "missing"
        wait_for(lambda: board_states(box)["mobile"][1] == [["sim_missing"]], 5, "the poll")
        assert alert_keys(box, actions) == {"board.spare", "board.mobile/1"}
        modem.state.sim = "READY"
        wait_for(lambda: board_states(box)["mobile"][1] == [[]], 5, "the SIM back")
        assert alert_keys(box, actions) == {"board.spare"}
        # a call on the sim board, then the spare module is plugged in
        sim.call("ring", port="1", number="13800138000")
        wait_for(lambda: box.control.call("calls")["calls"], 5, "the sim call")
        plugged = ModemSimulator(SIM7600)
        spare = Path(json.loads(box.env["CALLBOX_BOARDS"])[2]["device"])
        try:
            spare.symlink_to(plugged.path)
            done = hotplug(box, "add", plugged.path, "1e0e")
            assert done.returncode == 0, done.stdout + done.stderr
            assert "added spare, removed none" in done.stdout
            assert board_states(box)["spare"] == ("ready", [[]])
            lines = {x["port"]: x for x in box.control.call("lines")["lines"]}
            assert lines["spare/1"]["state"] == "idle" and lines["spare/1"]["number"] == "100"
            wait_for(lambda: "spare" in record.read_text().split(), 5, "board-added")
            again = hotplug(box, "add", plugged.path, "1e0e")  # another tty of the module
            assert "added none, removed none" in again.stdout, again.stdout + again.stderr
            assert alert_keys(box, actions) == set()
        finally:
            plugged.close()  # unplugged: its pty goes
            spare.unlink()
        done = hotplug(box, "remove", plugged.path, "1e0e")
        assert done.returncode == 0 and "added none, removed spare" in done.stdout, done.stdout
        assert board_states(box)["spare"] == ("unavailable", [])
        lines = {x["port"]: x for x in box.control.call("lines")["lines"]}
        assert "spare/1" not in lines and lines["sim/1"]["call_id"]  # the sim call goes on
        assert box.control.call("calls")["calls"]
        assert alert_keys(box, actions) == {"board.spare"}
        assert sorted(record.read_text().split()) == ["mobile", "sim", "spare"]  # once each
        sim.call("hangup", port="1")
        box.wait_cdr()
        database.close()
    # the engine stopped: udev's command says so and succeeds (boards start with the engine)
    gone = hotplug(box, "add", "/dev/ttyUSB9", "2c7c")
    assert gone.returncode == 0 and "engine not running" in gone.stdout, gone.stdout + gone.stderr


def test_a_rescan_without_boards_is_refused_clearly(box: Box) -> None:
    """No `boards:` setting: the command and udev's CLI say so; the engine carries on."""
    with pytest.raises(ControlError, match="no line boards are configured"):
        box.control.call("boards.rescan", action="add", devname="/dev/ttyUSB2")
    done = hotplug(box, "add", "/dev/ttyUSB2", "2c7c")
    assert done.returncode == 1 and "no line boards are configured" in done.stderr, done.stderr
    assert box.control.call("ping")["calls"] == 0
    assert not (box.settings.run_dir / "boards.json").exists()
