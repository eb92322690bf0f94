"""Full disk for real: a 2 MB tmpfs as the recordings folder, filled during a recorded call."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from boxharness import running_box, wait_for
from crash_support import active_alerts, closed_wavs, fill, small_disk

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

MENU_MS = 2200  # during the menu prompt (the welcome lasts 1.8 s)
THRESHOLDS = {
    "CALLBOX_ENGINE__RECORDING_MIN_FREE_MB": "0.75",
    "CALLBOX_ENGINE__RECORDING_RESUME_MB": "0.25",
    "CALLBOX_ENGINE__DISK_CHECK_SECONDS": "0.2",
}


def test_full_disk_stops_recording_call_goes_on_then_resumes(tmp_path: Path, prompts: Path) -> None:
    """Fill the disk mid-call: the call goes on, alert, whole WAVs; free it: recording resumes."""
    with (
        small_disk(tmp_path / "recordings") as disk,
        running_box(
            tmp_path / "box", prompts, CALLBOX_PATHS__RECORDINGS=str(disk), **THRESHOLDS
        ) as box,
        box.agent("1001") as phone,
    ):
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=9000)
        call_id = box.live_call()
        wait_for(lambda: "recording.started" in box.kinds(call_id), 10, "the recording")
        time.sleep(1.0)  # a second of audio on disk
        filler = fill(disk)
        stopped = wait_for(
            lambda: [e for e in box.events(call_id) if e["kind"] == "recording.stopped"],
            5, "recording.stopped",
        )  # fmt: skip
        assert stopped[0]["data"]["reason"] == "disk_full"
        alert = wait_for(lambda: active_alerts(box).get("recording.disk_full"), 5, "the alert")
        assert (alert["kind"], alert["severity"]) == ("recording_disk_full", "critical")
        assert [c["call_id"] for c in box.control.call("calls")["calls"]] == [call_id]
        first = closed_wavs(disk)  # whole, though written into a full disk
        assert first[stopped[0]["data"]["file"]] > 8000 * 0.5, first  # most of the second before
        filler.unlink()
        resumed = wait_for(
            lambda: [e for e in box.events(call_id) if e["kind"] == "recording.resumed"],
            5, "recording.resumed",
        )  # fmt: skip
        assert resumed[0]["data"]["part"] == 2
        assert resumed[0]["data"]["file"].endswith(f"{call_id}-2.wav")
        wait_for(lambda: "recording.disk_full" not in active_alerts(box), 5, "the alert cleared")
        assert caller.wait(30) == 0, box.log_tail("engine")  # the call ended normally
        phone.read_until("disconnected")
        cdr = box.wait_cdr()
        parts = closed_wavs(disk)
    assert (cdr["call_id"], cdr["outcome"]) == (call_id, "answered")
    assert cdr["recording"] == stopped[0]["data"]["file"]
    assert sorted(parts) == sorted([cdr["recording"], resumed[0]["data"]["file"]])
    assert parts[resumed[0]["data"]["file"]] > 8000 * 1.0, parts  # seconds after the resume


def test_no_recording_starts_on_a_full_disk(tmp_path: Path, prompts: Path) -> None:
    """A call bridged while the disk is full is not recorded (held), goes on, and is recorded
    once space is back."""
    with (
        small_disk(tmp_path / "recordings") as disk,
        running_box(
            tmp_path / "box", prompts, CALLBOX_PATHS__RECORDINGS=str(disk), **THRESHOLDS
        ) as box,
    ):
        filler = fill(disk)
        wait_for(lambda: active_alerts(box).get("recording.disk_full"), 5, "the alert")
        with box.agent("1001") as phone:
            caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=5000)
            call_id = box.live_call()
            wait_for(lambda: "recording.held" in box.kinds(call_id), 10, "recording.held")
            assert closed_wavs(disk) == {}
            filler.unlink()
            wait_for(lambda: "recording.started" in box.kinds(call_id), 5, "recording.started")
            assert caller.wait(30) == 0, box.log_tail("engine")
            phone.read_until("disconnected")
        cdr = box.wait_cdr()
        assert closed_wavs(disk)[cdr["recording"]] > 8000  # seconds of the call after space came
    assert cdr["outcome"] == "answered"


def test_a_recording_the_full_disk_swallows_never_ends_the_call(
    tmp_path: Path, prompts: Path
) -> None:
    """No minimum set and a disk full to the last byte: the recorder's writes fail (ENOSPC),
    the call goes on to its normal end, no header-less file is left, the engine carries on."""
    no_minimum = {**THRESHOLDS, "CALLBOX_ENGINE__RECORDING_MIN_FREE_MB": "0"}
    with (
        small_disk(tmp_path / "recordings") as disk,
        running_box(
            tmp_path / "box", prompts, CALLBOX_PATHS__RECORDINGS=str(disk), **no_minimum
        ) as box,
    ):
        fill(disk)
        with box.agent("1001") as phone:
            sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=2000)
            assert sipp.returncode == 0, sipp.stdout[-2000:] + box.log_tail("engine")
            phone.read_until("disconnected")
        cdr = box.wait_cdr()
        assert "recording.started" in box.kinds(cdr["call_id"])  # pjmedia's writes are buffered
        wait_for(lambda: closed_wavs(disk) == {}, 3, "the empty recording removed")
        assert "has no audio" in box.log_tail("engine")
        assert box.engine is not None and box.engine.poll() is None
        assert box.control.call("ping")
    assert cdr["outcome"] == "answered"
