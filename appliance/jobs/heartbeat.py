"""The heartbeat job: proves to the watchdog that the scheduler's jobs are running."""

from __future__ import annotations

from pathlib import Path

from appliance.config import Settings
from appliance.health.checks.scheduler import HEARTBEAT_FILE
from appliance.health.heartbeat import touch

INTERVAL_SECONDS = 2


def heartbeat(settings: Settings) -> None:
    """Touch <run>/scheduler.heartbeat."""
    touch(Path(settings.paths.run) / HEARTBEAT_FILE)
