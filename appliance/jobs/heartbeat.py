"""The heartbeat job: proves to the watchdog (and systemd) that the scheduler's jobs run."""

from __future__ import annotations

from pathlib import Path

from appliance.config import Settings
from appliance.health.checks.scheduler import HEARTBEAT_FILE
from appliance.health.heartbeat import touch
from appliance.health.notify import sd_notify

INTERVAL_SECONDS = 2


def heartbeat(settings: Settings) -> None:
    """Touch <run>/scheduler.heartbeat and send systemd WATCHDOG=1 (when it listens)."""
    touch(Path(settings.paths.run) / HEARTBEAT_FILE)
    sd_notify("WATCHDOG=1")
