"""The recording retention job: delete recordings past their queue's retention (docs/qa.md).

Each run deletes the WAV files `appliance.qa.retention.expired` selects and clears
their CDR's `recording` (the CDR itself is kept).  A stored path that would lead
outside `paths.recordings` (`..`, absolute, a symbolic link out) is never followed:
it is logged and left as it is.  A file already gone is not an error: the field is
cleared, so the web stops offering a recording that is not there.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from appliance.config import Settings
from appliance.jobs.store_access import migrated_store
from appliance.qa import retention
from appliance.store.exceptions import DatabaseTooNew
from appliance.store.models import Cdr, QaEvaluation, Queue

INTERVAL_SECONDS = 3600
FIRST_RUN_DELAY_SECONDS = 60  # after the box starts, once the other processes are up

log = logging.getLogger("callbox.retention")


@dataclass
class PurgeReport:
    """What one run did, by call id."""

    deleted: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # the file was already gone
    refused: list[str] = field(default_factory=list)  # the path leads outside the folder
    failed: list[str] = field(default_factory=list)  # the file could not be deleted


def run(settings: Settings) -> PurgeReport | None:
    """Open the store and purge; skip (None) while there is no migrated store yet."""
    try:
        with migrated_store(settings) as ready:
            if not ready:
                log.info("retention: no migrated store yet; skipped")
                return None
            return purge(Path(settings.paths.recordings), time.time())
    except DatabaseTooNew as exc:
        log.warning("retention: %s; skipped", exc)
        return None


def purge(recordings_dir: Path, now: float) -> PurgeReport:
    """Delete the expired recordings under recordings_dir and clear their CDR field."""
    report = PurgeReport()
    days = retention_days()
    for recording in retention.expired(_candidates(days, now), days, _evaluated(), now):
        _purge_one(recordings_dir, recording, report)
    if report.deleted or report.missing:
        log.info("retention: %d recordings deleted, %d already missing: %s",
                 len(report.deleted), len(report.missing),
                 ", ".join(report.deleted + report.missing))  # fmt: skip
    return report


def retention_days() -> dict[str, int]:
    """Return each queue's retention in days (0: kept forever)."""
    rows = Queue.select(Queue.name, Queue.recording_retention_days)
    return {q.name: q.recording_retention_days for q in rows}


def _candidates(days: dict[str, int], now: float) -> list[retention.Recording]:
    """Return the recorded calls of queues with a retention, ended before the shortest one."""
    before = retention.oldest_kept(days, now)
    if before is None:
        return []
    queues = [name for name, d in days.items() if d > 0]
    query = Cdr.select(Cdr.call_id, Cdr.queue, Cdr.recording, Cdr.ended_at).where(
        Cdr.recording.is_null(False), Cdr.recording != "", Cdr.queue.in_(queues),
        Cdr.ended_at < before,
    )  # fmt: skip
    return [retention.Recording(c.call_id, c.queue, c.recording or "", c.ended_at) for c in query]


def _evaluated() -> set[str]:
    """Return the call ids with a QA evaluation (their recordings are kept)."""
    return {e.call_id for e in QaEvaluation.select(QaEvaluation.call_id).distinct()}


def _purge_one(root: Path, recording: retention.Recording, report: PurgeReport) -> None:
    """Delete one recording's file and clear its CDR field; refuse a path outside root."""
    path = inside(root, recording.path)
    if path is None:
        log.warning("retention: %s names %r, outside %s; left alone",
                    recording.call_id, recording.path, root)  # fmt: skip
        report.refused.append(recording.call_id)
        return
    try:
        path.unlink()
    except FileNotFoundError:
        report.missing.append(recording.call_id)
    except OSError as exc:  # a folder, no permission: keep the field, try again next hour
        log.warning("retention: cannot delete %s: %s", path, exc)
        report.failed.append(recording.call_id)
        return
    else:
        report.deleted.append(recording.call_id)
        _remove_empty_parents(root, path)
    query = Cdr.update(recording=None).where(
        Cdr.call_id == recording.call_id, Cdr.recording == recording.path
    )
    query.execute()


def inside(root: Path, relative: str) -> Path | None:
    """Return root/relative resolved if it stays strictly inside root, else None."""
    # The lexical check refuses `..` and absolute paths before touching the disk;
    # resolve() then follows symbolic links, so none can lead out of root either.
    if not retention.plausible_path(relative):
        return None
    base = root.resolve()
    target = (base / relative).resolve()
    return target if target.is_relative_to(base) and target != base else None


def _remove_empty_parents(root: Path, path: Path) -> None:
    """Remove the day, month and year folders path leaves empty (never root itself)."""
    base = root.resolve()
    folder = path.parent
    while folder != base and folder.is_relative_to(base):
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone): stop climbing
            return
        folder = folder.parent
