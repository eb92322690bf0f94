"""Check that the scheduler's heartbeat job ran in the last few seconds."""

from __future__ import annotations

from pathlib import Path

from appliance.config import Settings
from appliance.health.heartbeat import freshness
from appliance.health.result import CheckResult

NAME = "scheduler"
ON_FAILURE = "restart"
HEARTBEAT_FILE = "scheduler.heartbeat"


def check(settings: Settings) -> CheckResult:
    """Return healthy if <run>/scheduler.heartbeat is fresh."""
    return freshness(Path(settings.paths.run) / HEARTBEAT_FILE)
