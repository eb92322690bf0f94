"""Run a backup schedule: write the archive, put it on the target, apply retention, log it.

One run at a time on a box (a lock file): the scheduler's job and the web's "Back up
now" share it.  Any exception leaving `run_backup` is recorded as a failed run (and
raises the `backup.failed` alert); the archive being written lives in the work folder
and is removed whatever happens, and targets only ever show complete archives.

Incremental recordings: a schedule with recordings and `incremental` carries only the
recordings its chain does not hold yet, file by file (`chains.py`); its previous archive
becomes the manifest's `base`.  Every FULL_EVERY-th archive of a chain is full again, so
a restore never needs more than FULL_EVERY archives.
"""

from __future__ import annotations

import calendar
import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from appliance.backup import archive, chains, retention, runlog, secrets
from appliance.backup.exceptions import BackupError
from appliance.backup.targets import open_target
from appliance.backup.targets.base import Target
from appliance.config import Settings
from appliance.hooks import runner
from appliance.reports import schedules as plans
from appliance.store.models import BackupRun, BackupSchedule, BackupTarget

FULL_EVERY = 7  # a full archive at least every 7 runs of a schedule
STALE_SECONDS = 60.0
Progress = runlog.Progress


def work_folder(settings: Settings) -> Path:
    """Return the folder archives are written in before they go to a target (root-only)."""
    folder = settings.var / "backup" / "work"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


@contextlib.contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """Hold the box's backup lock; raise BackupError if another run holds it."""
    path = settings.var / "backup" / "run.lock"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError("another backup, verify or restore is running: try again when "
                              "it is done", "busy") from None  # fmt: skip
        yield
    finally:
        os.close(fd)


def close_stale(settings: Settings, now: float | None = None) -> int:
    """Mark as failed the runs left "running" by a process that died; return how many.

    Only while no run holds the lock, and only runs older than STALE_SECONDS (the web
    records a run a moment before its thread takes the lock).
    """
    now = time.time() if now is None else now
    try:
        with exclusive(settings):
            old = BackupRun.started_at < now - STALE_SECONDS
            stale = list(BackupRun.select().where((BackupRun.status == "running") & old))
            for run in stale:
                runlog.finish(run, "failed", "interrupted: the process running it stopped")
            return len(stale)
    except BackupError:
        return 0  # a run is going on: nothing is stale now


def target_of(settings: Settings, target: BackupTarget) -> Target:
    """Return the usable target of a stored one, with its secrets."""
    return open_target(target.kind, dict(target.options or {}), secrets.get(settings, "targets",
                       target.id), settings)  # fmt: skip


def passphrase_of(settings: Settings, schedule: BackupSchedule) -> str:
    """Return the schedule's archive passphrase ("" when it does not encrypt)."""
    if not schedule.encrypt:
        return ""
    given = secrets.get(settings, "schedules", schedule.id).get("passphrase", "")
    if not given:
        raise BackupError(f"the schedule {schedule.name} encrypts but has no passphrase set",
                          "no-passphrase")  # fmt: skip
    return given


def run_backup(
    settings: Settings,
    schedule: BackupSchedule,
    config_file: Path | None = None,
    progress: Progress | None = None,
    run: BackupRun | None = None,
) -> BackupRun:
    """Make one archive of a schedule on its target; return its run (ok or failed).

    run: a run already recorded as started (the web shows its progress at once).
    """
    run = run or runlog.start("backup", schedule, schedule.target.name)
    report = runlog.reporter(run, progress)
    try:
        with exclusive(settings):
            fields = _backup(settings, schedule, config_file, run.started_at, report)
    except Exception as exc:  # any failure is a failed run, shown and alerted
        return runlog.finish(run, "failed", str(exc))
    schedule.last_run_at = run.started_at
    schedule.save(only=[BackupSchedule.last_run_at])
    return runlog.finish(run, "ok", **fields)


def _backup(
    settings: Settings, schedule: BackupSchedule, config_file: Path | None, now: float,
    report: Progress,
) -> dict[str, Any]:  # fmt: skip
    """Write, upload and prune; return the run's archive, base, size and message."""
    passphrase = passphrase_of(settings, schedule)
    source = archive.sources(settings, config_file, recordings=schedule.recordings)
    with target_of(settings, schedule.target) as target:
        present = target.names()
        now = max(now, _newest_time(present) + 1.0)  # the new name sorts last
        increment = _increment(settings, schedule, present)
        report("archive", 0.0)
        work = Path(tempfile.mkdtemp(prefix="run-", dir=work_folder(settings)))
        try:  # a failing pre-backup hook fails the run (HookFailed names it)
            runner.run_event(settings, "pre-backup", {"BACKUP_DIR": str(work)})
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        seen: dict[str, archive.Signature] = {}
        try:
            path = archive.create(source, work, passphrase, now, increment,
                                  lambda done, total: report("archive", done / total),
                                  seen)  # fmt: skip
            report("upload", 0.0)
            target.put(path, path.name)
            size = path.stat().st_size
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if schedule.recordings and schedule.incremental:
            chains.save(settings, schedule.id, path.name, seen)
        report("retention", 0.0)
        base = increment.base if increment else ""
        removed = _prune(schedule, target, {path.name: base})
    kept = f"; removed {', '.join(removed)}" if removed else ""
    what = f"incremental on {base}" if base else "full"
    return {"archive": path.name, "base": base, "size": size, "message": f"{what}{kept}"}


def _newest_time(present: dict[str, int]) -> float:
    """Return the UNIX time of the newest archive name present (0 when none)."""
    stamps = [name[8:23] for name in present]  # callbox-YYYYmmdd-HHMMSS...
    newest = max(stamps, default="")
    return float(calendar.timegm(time.strptime(newest, "%Y%m%d-%H%M%S"))) if newest else 0.0


def _increment(
    settings: Settings, schedule: BackupSchedule, present: dict[str, int]
) -> archive.Increment | None:
    """Return what the next archive builds on, or None for a full one."""
    if not (schedule.recordings and schedule.incremental):
        return None
    made = runlog.archives_of(schedule.id)
    ours = [name for name in made if name in present]
    if not ours:
        return None
    newest, length = ours[-1], 1
    name = newest
    while made.get(name):
        name, length = made[name], length + 1
    if length >= FULL_EVERY or name not in present:  # chain too long, or its full is gone
        return None
    known = chains.known(settings, schedule.id, newest)
    if known is None:  # the index is lost or behind: start a new chain
        return None
    base_run = BackupRun.get((BackupRun.archive == newest) & (BackupRun.schedule_id == schedule.id)
                             & (BackupRun.status == "ok"))  # fmt: skip
    return archive.Increment(newest, base_run.started_at, known)


def _prune(schedule: BackupSchedule, target: Target, new: dict[str, str]) -> list[str]:
    """Delete the schedule's archives past its retention; return their names."""
    present = target.names()
    made = {n: b for n, b in {**runlog.archives_of(schedule.id), **new}.items() if n in present}
    removed = retention.expired_in_chain(made, schedule.keep)
    for name in removed:
        target.delete(name)
    return removed


def due(now: float, timezone: str) -> list[BackupSchedule]:
    """Return the enabled backup schedules due at now."""
    enabled = BackupSchedule.select().where(BackupSchedule.enabled == True)  # noqa: E712
    return [
        s for s in enabled.order_by(BackupSchedule.name)
        if plans.is_due(plans.Plan(s.frequency, s.at, s.weekday, s.day_of_month), s.last_run_at,
                        s.created_at, now, timezone)
    ]  # fmt: skip
