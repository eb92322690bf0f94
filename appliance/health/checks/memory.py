"""Check that the box has memory left."""

from __future__ import annotations

import psutil

from appliance.config import Settings
from appliance.health.result import CheckResult, Finding

NAME = "memory"
ALERT_PREFIXES = ("system.memory",)
MB = 1024 * 1024


def check(settings: Settings) -> CheckResult:
    """Return healthy if less than watchdog.memory_max_percent of memory is in use."""
    memory = psutil.virtual_memory()
    limit = settings.watchdog.memory_max_percent
    detail = f"{memory.percent:.0f}% in use, {memory.available // MB} MB available"
    if memory.percent > limit:
        params = {"used_percent": round(memory.percent), "limit_percent": limit}
        finding = Finding("system.memory", "memory_high", params, f"{detail} (limit {limit:g}%)")
        return CheckResult.failed(finding.detail, (finding,))
    return CheckResult.passed(detail)
