"""Heartbeat files: a process touches one; a check finds it fresh or stale."""

from __future__ import annotations

import os
import time
from pathlib import Path

from appliance.health.result import CheckResult

MAX_AGE_SECONDS = 10.0


def touch(path: Path | str) -> None:
    """Set path's modification time to now, creating the file if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path)


def freshness(path: Path | str, max_age: float = MAX_AGE_SECONDS) -> CheckResult:
    """Return healthy if path was touched within max_age seconds."""
    try:
        age = time.time() - Path(path).stat().st_mtime
    except FileNotFoundError:
        return CheckResult.failed(f"no heartbeat yet ({Path(path).name} missing)")
    if age > max_age:
        return CheckResult.failed(f"heartbeat is {age:.0f} s old (limit {max_age:g} s)")
    return CheckResult.passed(f"heartbeat {age:.1f} s ago")
