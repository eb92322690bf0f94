"""The scheduled-reports job: e-mail every report schedule that is due.

Runs every INTERVAL_SECONDS in the scheduler process, on its own store connection.
A report whose e-mail fails is tried again at the next run after RETRY_SECONDS (not
every minute), until it goes or its next planned moment replaces it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from peewee import SqliteDatabase

from appliance.config import Settings
from appliance.reports import mailing
from appliance.store.database import connect
from appliance.store.models import ReportSchedule

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60
RETRY_SECONDS = 600
_failed_at: dict[int, float] = {}  # schedule id -> when its e-mail last failed
_databases: dict[str, SqliteDatabase] = {}  # path -> the store, bound once per process


def send_due_reports(settings: Settings, now: float | None = None) -> list[str]:
    """E-mail the due reports; return the names of those sent."""
    now = time.time() if now is None else now
    if not settings.smtp.enabled:
        return []  # nothing can go out; schedules stay due until e-mail is set up
    with _store(settings.paths.database).connection_context():
        return [s.name for s in mailing.due(now, settings.timezone) if _send(s, settings, now)]


def _store(path: str) -> SqliteDatabase:
    """Return the store at path, binding the models to it on first use."""
    if path not in _databases:
        _databases[path] = connect(Path(path))
    return _databases[path]


def _send(schedule: ReportSchedule, settings: Settings, now: float) -> bool:
    """Send one report unless it failed within RETRY_SECONDS; return true if sent."""
    if now - _failed_at.get(schedule.id, -RETRY_SECONDS) < RETRY_SECONDS:
        return False
    try:
        mailing.send_report(schedule, settings, now)
    except Exception as exc:  # a report must never stop the scheduler
        _failed_at[schedule.id] = now
        log.error("report %s: e-mail failed (%s); again in %d s", schedule.name, exc,
                  RETRY_SECONDS)  # fmt: skip
        return False
    _failed_at.pop(schedule.id, None)
    log.info("report %s e-mailed", schedule.name)
    return True
