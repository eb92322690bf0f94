"""Run a backup or verify in the background of the web process; report a run's progress.

The run's row is created before the thread starts, so the page can poll its progress
(`progress_of`, read from the store: any web worker answers) at once.  The thread opens
its own store connection; whatever happens in it ends the run as ok or failed.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from peewee import Database

from appliance.backup import manager, runlog, verifier
from appliance.config import Settings
from appliance.jobs.backups import config_file
from appliance.store.models import BackupRun, BackupSchedule

log = logging.getLogger(__name__)


def start(database: Database, settings: Settings, schedule: BackupSchedule, kind: str) -> BackupRun:
    """Record a backup (or verify) run of schedule and start it in a thread; return the run."""
    run = runlog.start(kind, schedule, schedule.target.name)
    thread = threading.Thread(target=_work, args=(database, settings, schedule.id, run.id, kind),
                              name=f"backup-{run.id}", daemon=True)  # fmt: skip
    thread.start()
    return run


def _work(database: Database, settings: Settings, schedule_id: int, run_id: int, kind: str) -> None:
    """Do the run on this thread's own store connection."""
    with database.connection_context():
        run = BackupRun.get_by_id(run_id)
        try:
            schedule = BackupSchedule.get_by_id(schedule_id)
            if kind == "verify":
                verifier.verify_newest(settings, schedule, run=run)
            else:
                manager.run_backup(settings, schedule, config_file(), run=run)
        except Exception as exc:  # the run must end, whatever went wrong
            log.exception("backup run %s failed", run_id)
            runlog.finish(run, "failed", str(exc))


def progress_of(run: BackupRun) -> dict[str, Any]:
    """Return a run's state as the page's progress bar reads it."""
    return {
        "id": run.id, "kind": run.kind, "status": run.status, "stage": run.stage,
        "progress": run.progress, "archive": run.archive, "size": run.size,
        "message": run.message, "done": run.status != "running",
    }  # fmt: skip
