"""kill -9 of the engine mid-call: the call is closed as interrupted, its recording plays, the
agent is put back, and the restarted engine takes calls again."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from boxharness import running_box, wait_for
from crash_support import wav_frames

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

MENU_MS = 2200


def test_recording_cut_by_kill_is_playable_and_agent_reconciled(
    tmp_path: Path, prompts: Path
) -> None:
    """A recorded call cut by kill -9: after the restart the WAV parses with its frames."""
    with running_box(tmp_path, prompts) as box, box.agent("1001") as phone:
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=20000)
        call_id = box.live_call()
        wait_for(lambda: "recording.started" in box.kinds(call_id), 10, "the recording")
        wait_for(lambda: box.agent_status("1001")["state"] == "on_call", 5, "agent on call")
        time.sleep(2.0)  # two seconds of audio: pjmedia writes it in 4 kB blocks
        assert box.engine is not None
        box.engine.send_signal(signal.SIGKILL)
        box.engine.wait(5)
        relative = next(
            e["data"]["file"] for e in box.events(call_id) if e["kind"] == "recording.started"
        )
        path = Path(box.settings.paths.recordings) / relative
        assert path.read_bytes()[40:44] == b"\0\0\0\0"  # what a crash leaves: no sizes
        began = time.monotonic()
        box.start_engine()
        ready = time.monotonic() - began
        caller.kill()
        caller.wait()
        phone.stop()
        cdr = box.wait_cdr()
        events = box.events(call_id)
        agent_events = box.events("")
    assert (cdr["call_id"], cdr["outcome"], cdr["recording"]) == (call_id, "interrupted", relative)
    assert events[-1]["kind"] == "call.ended"
    assert events[-1]["data"]["reason"] == "engine restarted"
    frames = wav_frames(path)  # parses, and the header matches the data
    assert frames > 8000 * 1.0, frames  # at least a second of the two is kept
    states = [e["data"] for e in agent_events if e["kind"] == "agent.state" and e["leg"] == "1001"]
    on_call = max(i for i, d in enumerate(states) if d["state"] == "on_call")
    recovered = [d for d in states[on_call:] if d.get("recovered")]
    assert recovered and recovered[0]["state"] == "ready", states[on_call:]
    assert ready < 15, ready
