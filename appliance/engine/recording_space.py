"""Free space on the recordings folder: below a threshold no call is recorded.

The engine measures the folder's file system (`statvfs`) before it opens a call
recording and, on its disk thread, every `engine.disk_check_seconds`.  Below
`engine.recording_min_free_mb` the space is *low*: recordings in progress are stopped
cleanly and no new one starts.  It is *back* only once the free space is
`engine.recording_resume_mb` above the threshold, so a disk hovering at the limit does
not start and stop recordings every few seconds.  No pjsua2 and no store here: the
engine turns the transitions into alerts and recording steps (docs/recovery.md).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from appliance.config import EngineSettings

MB = 1024 * 1024


class SpaceChange(StrEnum):
    """A transition of the recordings folder's free space."""

    LOW = "low"
    BACK = "back"


class RecordingSpace:
    """The free space of the recordings folder, measured against the engine's thresholds."""

    def __init__(self, settings: EngineSettings, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.min_free_mb = settings.recording_min_free_mb
        self.resume_mb = settings.recording_min_free_mb + settings.recording_resume_mb
        self.low = False  # written by the disk thread, read by the engine thread

    def free_mb(self) -> float:
        """Return the free space, in MB, of the file system holding the recordings folder."""
        folder = self.folder
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # the folder is made with the first recording
        stat = os.statvfs(folder)
        return stat.f_bavail * stat.f_frsize / MB

    def has_room(self) -> bool:
        """Return true if a recording may start now (also false if the disk cannot be read)."""
        if self.low:
            return False
        try:
            return self.free_mb() >= self.min_free_mb
        except OSError:
            return False

    def check(self) -> tuple[SpaceChange | None, float]:
        """Measure once; return the transition it makes (or None) and the free MB."""
        try:
            free = self.free_mb()
        except OSError:
            free = 0.0  # a folder that cannot be measured cannot be trusted with recordings
        if not self.low and free < self.min_free_mb:
            self.low = True
            return SpaceChange.LOW, free
        if self.low and free >= self.resume_mb:
            self.low = False
            return SpaceChange.BACK, free
        return None, free
