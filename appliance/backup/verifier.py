"""The verify job: fetch a schedule's newest archive, check every sum, restore its database.

`reader.verify` does the checks (every member against the manifest's sum, then the
database written to a temporary folder and `PRAGMA integrity_check` run on it).  The
result is a `verify` run in the run log; a failure raises the critical `backup.verify`
alert, a success clears it once no schedule's newest verify fails.  An archive is
verified once after it is made and again every REVERIFY_SECONDS (the disk it sits on
can rot).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from appliance.backup import reader, runlog
from appliance.backup.manager import Progress, exclusive, passphrase_of, target_of, work_folder
from appliance.config import Settings
from appliance.store.models import BackupRun, BackupSchedule

REVERIFY_SECONDS = 24 * 3600


def needs_verify(schedule: BackupSchedule, now: float) -> bool:
    """Return true when the newest archive is unverified, or verified over a day ago."""
    made = runlog.newest_run("backup", schedule.id, status="ok")
    if made is None:
        return False
    checked = runlog.newest_run("verify", schedule.id, finished=True)
    if checked is None or checked.archive != made.archive:
        return True
    return now - checked.started_at >= REVERIFY_SECONDS


def verify_newest(
    settings: Settings,
    schedule: BackupSchedule,
    progress: Progress | None = None,
    run: BackupRun | None = None,
) -> BackupRun | None:
    """Verify the schedule's newest archive; return the verify run (None: no archive yet).

    run: a run already recorded as started (the web shows its progress at once).
    """
    made = runlog.newest_run("backup", schedule.id, status="ok")
    if made is None:
        if run is not None:  # nothing to verify is not a failed verify (no alert)
            run.delete_instance()
        return None
    if run is None:
        run = runlog.start("verify", schedule, schedule.target.name)
    run.archive = made.archive
    report = runlog.reporter(run, progress)
    try:
        with exclusive(settings):
            message = _verify(settings, schedule, made.archive, report)
    except Exception as exc:  # a damaged archive, an absent disk: all are a failed verify
        return runlog.finish(run, "failed", str(exc))
    return runlog.finish(run, "ok", message)


def _verify(settings: Settings, schedule: BackupSchedule, name: str, report: Progress) -> str:
    """Fetch and check one archive; return what was checked."""
    work = Path(tempfile.mkdtemp(prefix="verify-", dir=work_folder(settings)))
    try:
        report("download", 0.0)
        local = work / name
        with target_of(settings, schedule.target) as target:
            target.get(name, local)
        report("verify", 0.5)
        checked = reader.verify(local, passphrase_of(settings, schedule))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    manifest = checked.manifest
    return (f"{len(manifest.files)} files match their sums; database version "
            f"{manifest.database_version}, integrity {checked.integrity}")  # fmt: skip


def due(now: float | None = None) -> list[BackupSchedule]:
    """Return the enabled schedules whose newest archive needs verifying."""
    now = time.time() if now is None else now
    enabled = BackupSchedule.select().where(BackupSchedule.enabled == True)  # noqa: E712
    return [s for s in enabled.order_by(BackupSchedule.name) if needs_verify(s, now)]
