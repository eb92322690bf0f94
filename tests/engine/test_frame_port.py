"""A board line's audio reaches a real SIP call and back through the binding's FramePort.

The probe (frame_port_probe.py) runs the engine's reactor in its own process with a
SIP call to itself on loopback; this test measures the audio it left behind with
the Goertzel filter: a 1 kHz tone the line said must reach the far party, a 600 Hz
tone the far party played must reach the line, each without the other's tone.
"""

from __future__ import annotations

import array
import json
import subprocess
import sys
from pathlib import Path

import pytest
from boxharness import free_port
from tones import amplitude, heard, samples

from appliance.engine import line_format

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    """Run the probe once; return its report and its folder."""
    work = tmp_path_factory.mktemp("frame-port")
    script = Path(__file__).with_name("frame_port_probe.py")
    run = subprocess.run(
        [sys.executable, str(script), str(free_port()), str(free_port()), str(work)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), work


def test_a_tone_the_line_says_reaches_the_far_party(probe: tuple[dict, Path]) -> None:
    report, work = probe
    recording = work / "to_call.wav"
    # The first half second: call set-up in the bridge and the jitter buffer.
    assert heard(recording, 0.5, 1.9, 1000) > 2000
    assert heard(recording, 0.5, 1.9, 600) < 300
    stats = report["tone_stats"]
    assert stats["frames_from_line"] >= 80  # 2 s of 20 ms frames taken by the bridge
    assert stats["dropped_from_line"] == 0


def test_a_tone_the_far_party_plays_reaches_the_line(probe: tuple[dict, Path]) -> None:
    report, work = probe
    pcm = array.array("h", line_format.to_pcm((work / "to_line.ulaw").read_bytes(), "ulaw"))
    assert len(pcm) >= 8000 * 1.5  # the pump handed the line ~2 s of whole frames
    tail = pcm[4000:]
    assert amplitude(tail, 8000, 600) > 2000
    assert amplitude(tail, 8000, 1000) < 300  # the line does not hear itself
    assert report["tone_stats"]["frames_to_line"] >= 80
    assert report["pumped_lines"] == ["line-1"]  # the failing line was dropped, not this one


def test_an_underrun_sends_silence_and_is_counted(probe: tuple[dict, Path]) -> None:
    report, work = probe
    data, rate = samples(work / "quiet.wav")
    assert len(data) >= rate * 1.3
    # What the line said last is still on its way through RTP and the far party's
    # jitter buffer for a few hundred ms; after that, silence.
    tail = data[-rate // 2 :]
    assert amplitude(tail, rate, 1000) < 100
    assert max(abs(x) for x in tail) < 200
    assert report["quiet_underruns"] >= 60  # ~75 frames of silence in 1.5 s
    assert report["closed_and_connected_ok"] is True


def test_overflow_drops_the_oldest_audio_counts_it_and_never_blocks(
    probe: tuple[dict, Path],
) -> None:
    report, _ = probe
    frame = 320
    assert report["overflow_write_seconds"] < 0.5
    assert report["overflow_pending_from_line"] == 5 * frame
    assert report["overflow_dropped_from_line"] == 195 * frame
    assert report["overflow_pending_to_line"] == 5 * frame
    assert report["overflow_dropped_to_line"] >= 10 * frame
    assert report["overflow_read_len"] == 5 * frame


def test_bad_input_is_refused_with_a_clear_error_and_queues_nothing(
    probe: tuple[dict, Path],
) -> None:
    errors = probe[0]["bad_input"]
    assert errors["write_str"] == "TypeError: FramePort.write() takes bytes, not str"
    assert errors["write_odd"].startswith("ValueError: FramePort.write() takes whole 16-bit")
    assert errors["write_int"].startswith("TypeError")
    assert errors["read_negative"] == "ValueError: FramePort.read() takes max_bytes >= 0"
    assert errors["create_twice"] is not None and errors["create_twice"].startswith("pj.Error")
    assert errors["pending_after_bad_writes"] == 0
    assert errors["pending_after_memoryview"] == 320
    assert errors["pending_after_half_sample"] == 0  # kept until its other byte comes
    assert errors["pending_after_rest"] == 4
    assert errors["bad_format"].startswith("ValueError: unknown audio format 'gsm'")


def test_a_port_destroyed_while_connected_leaves_the_bridge_and_call_working(
    probe: tuple[dict, Path],
) -> None:
    report, _ = probe
    assert report["dropped_frames_before"] >= 5
    assert report["witness_frames_after_drop"] >= 15
    assert report["call_active_after_drop"] is True
    assert report["errors"] == []
