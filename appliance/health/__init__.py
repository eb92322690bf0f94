"""Health: checks (one module per service), the watchdog process, and `check_all`."""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from appliance.config import Settings
from appliance.health.checks import HealthCheck, discover
from appliance.health.result import CheckResult

__all__ = ["CheckResult", "check_all", "check_results"]


def check_all(
    settings: Settings, skip: Collection[str] = (), only: Collection[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Run the checks concurrently and return {service: {"ok": bool, "detail": str}}."""
    return {name: r.as_dict() for name, r in check_results(settings, skip, only).items()}


def check_results(
    settings: Settings, skip: Collection[str] = (), only: Collection[str] | None = None
) -> dict[str, CheckResult]:
    """Run the checks concurrently and return each one's CheckResult (with its findings)."""
    selected = [
        c for name, c in discover().items() if name not in skip and (only is None or name in only)
    ]
    if not selected:
        return {}
    with ThreadPoolExecutor(max_workers=len(selected), thread_name_prefix="health") as pool:
        futures = {c.name: pool.submit(run_check, c, settings) for c in selected}
        return {name: future.result() for name, future in futures.items()}


def run_check(health_check: HealthCheck, settings: Settings) -> CheckResult:
    """Run one check; an exception is a failed check, described in one line."""
    try:
        return health_check.check(settings)
    except Exception as exc:  # a broken check must not break /healthz or the watchdog
        return CheckResult.failed(f"{type(exc).__name__}: {exc}")
