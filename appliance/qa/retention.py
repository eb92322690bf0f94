"""Which recordings have outlived their queue's retention (pure: no files, no store).

A queue keeps its calls' recordings `recording_retention_days` days after the call
ended; 0 keeps them forever (the default).  A recording a supervisor evaluated is
kept whatever its age: the evaluation's evidence must not vanish under it.  A call
without a queue, or whose queue no longer exists, is kept too: no rule applies.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

DAY_SECONDS = 86400


@dataclass(frozen=True)
class Recording:
    """A call's recording as the CDR names it."""

    call_id: str
    queue: str | None
    path: str  # relative to paths.recordings
    ended_at: float  # UNIX time


def expired(
    recordings: Iterable[Recording],
    retention_days: Mapping[str, int],
    evaluated: Collection[str],
    now: float,
) -> list[Recording]:
    """Return the recordings older than their queue's retention and not evaluated."""
    return [r for r in recordings if _is_expired(r, retention_days, evaluated, now)]


def _is_expired(
    recording: Recording, retention_days: Mapping[str, int], evaluated: Collection[str], now: float
) -> bool:
    """Return true if recording may be deleted now."""
    days = retention_days.get(recording.queue or "", 0)
    if days <= 0 or recording.call_id in evaluated:
        return False
    return recording.ended_at < now - days * DAY_SECONDS


def oldest_kept(retention_days: Mapping[str, int], now: float) -> float | None:
    """Return the end time before which some queue's recordings may expire (None: no rule)."""
    days = [d for d in retention_days.values() if d > 0]
    return now - min(days) * DAY_SECONDS if days else None


def plausible_path(path: str) -> bool:
    """Return true if path reads as a file below the recordings folder (no `..`, relative)."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts and "\\" not in path
