"""Check that the disks holding recordings and the box's state have room left."""

from __future__ import annotations

import shutil
from pathlib import Path

from appliance.config import Settings
from appliance.health.result import CheckResult, Finding

NAME = "disk"
ALERT_PREFIXES = ("disk.",)
MB = 1024 * 1024


def check(settings: Settings) -> CheckResult:
    """Return healthy if recordings and var each have the configured free space."""
    folders = {"recordings": Path(settings.paths.recordings), "var": settings.var}
    findings, notes = [], []
    for what, folder in folders.items():
        free_mb, free_percent = _free(folder)
        notes.append(f"{what} {free_mb} MB free ({free_percent:.0f}%)")
        watchdog = settings.watchdog
        if free_mb < watchdog.disk_min_free_mb or free_percent < watchdog.disk_min_free_percent:
            params = {"path": str(folder), "free_mb": free_mb, "free_percent": round(free_percent)}
            detail = f"{folder}: {free_mb} MB free ({free_percent:.1f}%)"
            findings.append(Finding(f"disk.{what}", "disk_low", params, detail))
    if findings:
        return CheckResult.failed("; ".join(f.detail for f in findings), tuple(findings))
    return CheckResult.passed("; ".join(notes))


def _free(folder: Path) -> tuple[int, float]:
    """Return the free megabytes and percent of the disk holding folder (or its parent)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # not made yet: the disk it will be on
    usage = shutil.disk_usage(folder)
    return usage.free // MB, 100.0 * usage.free / usage.total if usage.total else 0.0
