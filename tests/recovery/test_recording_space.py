"""The recordings folder's free space against the thresholds, on a real 2 MB tmpfs."""

from __future__ import annotations

from pathlib import Path

from crash_support import small_disk

from appliance.config import EngineSettings
from appliance.engine.recording_space import RecordingSpace, SpaceChange

KB = 1024


def _space(folder: Path) -> RecordingSpace:
    """Return the watcher of folder with a 1 MB minimum and a 0.5 MB margin."""
    settings = EngineSettings(recording_min_free_mb=1.0, recording_resume_mb=0.5)
    return RecordingSpace(settings, folder / "recordings")  # made by the first recording


def test_low_below_the_minimum_back_only_above_the_margin(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        space = _space(disk)
        assert space.check()[0] is None and space.has_room()
        filler = disk / "filler"
        filler.write_bytes(b"\0" * (1200 * KB))  # 0.8 MB left
        change, free = space.check()
        assert change is SpaceChange.LOW and 0.7 < free < 0.9
        assert not space.has_room() and space.check()[0] is None  # said once
        filler.write_bytes(b"\0" * (800 * KB))  # 1.2 MB free: above the minimum, under the margin
        assert space.check()[0] is None and space.low and not space.has_room()
        filler.unlink()
        assert space.check()[0] is SpaceChange.BACK and space.has_room()
