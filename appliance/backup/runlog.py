"""The backup run log and its alerts: each run recorded, a failure raised, a success clearing it.

`backup.failed` (kind ``backup_failed``) holds while the newest backup of any enabled
schedule failed; `backup.verify` (kind ``backup_verify_failed``, critical) while the
newest verify of any enabled schedule failed.  A success clears its alert only when no
other schedule still fails, so one good schedule does not hide a broken one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from peewee import Database

from appliance.health import alerts
from appliance.store.database import db
from appliance.store.models import BackupRun, BackupSchedule

PROGRESS_EVERY_SECONDS = 0.2  # how often a running run writes its progress to the store
Progress = Callable[[str, float], None]  # stage (archive, upload, retention, verify...), 0..1
ALERTS = {  # run kind -> (alert key, alert kind, severity)
    "backup": ("backup.failed", "backup_failed", alerts.WARNING),
    "verify": ("backup.verify", "backup_verify_failed", alerts.CRITICAL),
}


def start(kind: str, schedule: BackupSchedule | None, target_name: str, **fields: Any) -> BackupRun:
    """Record that a run started now."""
    return BackupRun.create(
        kind=kind, schedule_id=schedule.id if schedule else None,
        schedule_name=schedule.name if schedule else "", target_name=target_name,
        started_at=time.time(), **fields,
    )  # fmt: skip


def reporter(run: BackupRun, also: Progress | None = None) -> Progress:
    """Return a progress callback writing to the run's row (throttled to 5 writes a second)."""
    last: dict[str, Any] = {"at": 0.0, "stage": ""}

    def report(stage: str, fraction: float) -> None:
        """Store how far the run is (a new stage at once, within a stage throttled)."""
        now = time.monotonic()
        if stage != last["stage"] or now - last["at"] >= PROGRESS_EVERY_SECONDS:
            last["at"], last["stage"] = now, stage
            BackupRun.update(stage=stage, progress=round(min(max(fraction, 0.0), 1.0), 3)).where(
                BackupRun.id == run.id).execute()  # fmt: skip
        if also is not None:
            also(stage, fraction)

    return report


def finish(run: BackupRun, status: str, message: str = "", **fields: Any) -> BackupRun:
    """Record how a run ended and raise or clear its alert."""
    run.status, run.message, run.finished_at = status, message, time.time()
    run.stage, run.progress = "done", 1.0 if status == "ok" else run.progress
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    if run.kind in ALERTS:
        _alert(run)
    return run


def _alert(run: BackupRun) -> None:
    """Raise the run kind's alert on a failure; clear it once no schedule fails."""
    key, kind, severity = ALERTS[run.kind]
    database = cast(Database, db.obj)
    if run.status == "failed":
        params = {"schedule": run.schedule_name, "target": run.target_name, "archive": run.archive}
        alerts.raise_alert(database, key, kind, params, run.message, severity)
    elif not failing(run.kind):
        alerts.clear_alert(database, key)


def failing(kind: str) -> list[str]:
    """Return the enabled schedules whose newest finished run of kind failed."""
    names = []
    for schedule in BackupSchedule.select().where(BackupSchedule.enabled == True):  # noqa: E712
        newest = newest_run(kind, schedule.id, finished=True)
        if newest is not None and newest.status == "failed":
            names.append(schedule.name)
    return names


def newest_run(
    kind: str, schedule_id: int, status: str = "", finished: bool = False
) -> BackupRun | None:
    """Return a schedule's newest run of kind (with that status if given)."""
    query = BackupRun.select().where(
        (BackupRun.kind == kind) & (BackupRun.schedule_id == schedule_id)
    )
    if status:
        query = query.where(BackupRun.status == status)
    if finished:
        query = query.where(BackupRun.finished_at.is_null(False))
    return query.order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).first()


def archives_of(schedule_id: int) -> dict[str, str]:
    """Return the archives a schedule made successfully, name -> base ("" when full)."""
    runs = BackupRun.select().where((BackupRun.kind == "backup") & (BackupRun.status == "ok")
                                    & (BackupRun.schedule_id == schedule_id))  # fmt: skip
    return {r.archive: r.base for r in runs.order_by(BackupRun.started_at)}


def recent(limit: int = 50) -> list[BackupRun]:
    """Return the newest runs, newest first (the web's run log)."""
    return list(BackupRun.select().order_by(BackupRun.started_at.desc(), BackupRun.id.desc())
                .limit(limit))  # fmt: skip
