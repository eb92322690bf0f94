"""Check that the processors are not overloaded for minutes on end.

The 5-minute load average is the "sustained" part: a burst (a report, a backup)
passes, a box that stays overloaded does not.
"""

from __future__ import annotations

import os

from appliance.config import Settings
from appliance.health.result import CheckResult, Finding

NAME = "cpu"
ALERT_PREFIXES = ("system.cpu",)


def check(settings: Settings) -> CheckResult:
    """Return healthy if the 5-minute load per core is under watchdog.cpu_max_load_per_core."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()[1]
    per_core = load / cores
    limit = settings.watchdog.cpu_max_load_per_core
    detail = f"5-minute load {load:.2f} on {cores} core(s) ({per_core:.2f} per core)"
    if per_core > limit:
        params = {"load_per_core": round(per_core, 2), "limit": limit, "cores": cores}
        finding = Finding("system.cpu", "cpu_overloaded", params, f"{detail}, limit {limit:g}")
        return CheckResult.failed(finding.detail, (finding,))
    return CheckResult.passed(detail)
