"""Health checks: one module per service or condition, discovered by scanning this package.

The contract of a check module (add a file here; nothing else to register):

- ``NAME: str`` — the service or condition it reports on (the key in `check_all`'s result);
- ``check(settings: Settings) -> CheckResult`` — return within about a second;
  anything it raises is reported as a failed check, never propagated;
- ``ON_FAILURE: str`` (optional, default "alert") — the watchdog's policy when the check
  keeps failing (docs/watchdog.md): "restart" restarts the service NAME and raises
  ``service.<NAME>``; "alert" raises ``ALERT_KEY`` (default ``health.<NAME>``) of kind
  ``ALERT_KIND`` (default "check_failed") and ``ALERT_SEVERITY``; a result's `findings`
  are raised one by one instead, and repaired when they carry a repair command;
- ``ALERT_PREFIXES: tuple[str, ...]`` (optional) — the alert keys this check owns: those
  no longer found are cleared (default: the one key above).

Checks run concurrently (threads) in the watchdog and behind the web's /healthz, so
a check keeps no shared connection: it opens what it needs and closes it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from appliance.config import Settings
from appliance.health.result import CheckResult

RESTART = "restart"
ALERT = "alert"
# The box's services, in the order people read them; the other checks are conditions
# (disk, trunks, toll fraud…) that alert but do not make the box unhealthy.
SERVICES = ("web", "engine", "kamailio", "scheduler", "watchdog", "store")


@dataclass(frozen=True)
class HealthCheck:
    """A discovered check: the service name, the function that checks it, its policy."""

    name: str
    check: Callable[[Settings], CheckResult]
    on_failure: str = ALERT
    alert_key: str = ""
    alert_kind: str = "check_failed"
    alert_severity: str = "warning"
    alert_prefixes: tuple[str, ...] = ()

    def owns(self, key: str) -> bool:
        """Return true if the alert key is one this check raises (and so may clear)."""
        return key == self.alert_key or key.startswith(self.alert_prefixes)


def _load(module: ModuleType) -> HealthCheck:
    """Return the HealthCheck a module declares."""
    name = module.NAME
    on_failure = getattr(module, "ON_FAILURE", ALERT)
    default_key = f"service.{name}" if on_failure == RESTART else f"health.{name}"
    default_kind = "service_down" if on_failure == RESTART else "check_failed"
    return HealthCheck(
        name,
        module.check,
        on_failure,
        getattr(module, "ALERT_KEY", default_key),
        getattr(module, "ALERT_KIND", default_kind),
        getattr(module, "ALERT_SEVERITY", "critical" if on_failure == RESTART else "warning"),
        tuple(getattr(module, "ALERT_PREFIXES", ())),
    )


@functools.cache
def discover() -> dict[str, HealthCheck]:
    """Return every check in this package, keyed by service name (scanned once)."""
    found: dict[str, HealthCheck] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        check = _load(importlib.import_module(f"{__name__}.{info.name}"))
        found[check.name] = check
    return dict(sorted(found.items()))
