"""Check that the watchdog's loop is turning."""

from __future__ import annotations

from pathlib import Path

from appliance.config import Settings
from appliance.health.heartbeat import freshness
from appliance.health.result import CheckResult

NAME = "watchdog"
HEARTBEAT_FILE = "watchdog.heartbeat"


def check(settings: Settings) -> CheckResult:
    """Return healthy if <run>/watchdog.heartbeat is fresh."""
    return freshness(Path(settings.paths.run) / HEARTBEAT_FILE)
