"""The backup jobs: make the due scheduled backups, then verify the newest archives.

Runs every INTERVAL_SECONDS in the scheduler process, on its own store connection.
A failed backup is recorded and alerted (`backup.failed`) and tried again at the next
planned moment; a failed verify raises `backup.verify` (appliance/backup/runlog.py).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from appliance.backup import manager, verifier
from appliance.config import DEFAULT_CONFIG_FILE, ENV_PREFIX, Settings
from appliance.jobs.reports import _store

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60


def config_file() -> Path:
    """Return the main config file this box reads (archived with the backup)."""
    return Path(os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_FILE)


def run_due_backups(settings: Settings, now: float | None = None) -> list[str]:
    """Back up every due schedule, then verify what needs it; return what was done."""
    done = []
    with _store(settings.paths.database).connection_context():
        if manager.close_stale(settings):
            done.append("closed interrupted runs")
        for schedule in manager.due(time.time() if now is None else now, settings.timezone):
            run = manager.run_backup(settings, schedule, config_file())
            log.log(logging.INFO if run.status == "ok" else logging.ERROR, "backup %s: %s %s",
                    schedule.name, run.status, run.message)  # fmt: skip
            done.append(f"backup {schedule.name} {run.status}")
        for schedule in verifier.due(now):
            checked = verifier.verify_newest(settings, schedule)
            if checked is not None:
                log.log(
                    logging.INFO if checked.status == "ok" else logging.ERROR,
                    "verify %s: %s %s",
                    schedule.name,
                    checked.status,
                    checked.message,
                )
                done.append(f"verify {schedule.name} {checked.status}")
    return done
