"""The admin's alert about an upgrade that was rolled back (`appliance/health/alerts.py`).

Raised by the upgrading (old) release once its database is back, so the web banner and
the watchdog's e-mail tell whoever was not watching the console; cleared when the next
upgrade starts.  Never in the way: a store that cannot be opened is only logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peewee import Database

from appliance.config import Settings
from appliance.health.alerts import CRITICAL, clear_alert, raise_alert
from appliance.store.manager import open_store

KEY = "upgrade.rollback"
KIND = "upgrade_rolled_back"
log = logging.getLogger(__name__)


def rolled_back(settings: Settings, params: dict[str, Any], detail: str) -> None:
    """Raise the rolled-back alert with the versions and the reason."""
    _with_store(settings, lambda db: raise_alert(db, KEY, KIND, params, detail, CRITICAL))


def attempt_started(settings: Settings) -> None:
    """Clear an earlier rolled-back alert: a new attempt is under way."""
    _with_store(settings, lambda db: clear_alert(db, KEY))


def _with_store(settings: Settings, action: Callable[[Database], object]) -> None:
    """Run action on the open store if there is one; log (never raise) a failure."""
    if not Path(settings.paths.database).exists():
        return
    try:
        database = open_store(settings, migrate=False)
        try:
            action(database)
        finally:
            database.close()
    except Exception as exc:  # the upgrade's own outcome matters more than its alert
        log.warning("upgrade alert not recorded: %s", exc)
