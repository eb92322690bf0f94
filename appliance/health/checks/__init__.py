"""Health checks: one module per service, discovered by scanning this package.

The contract of a check module (add a file here; nothing else to register):

- ``NAME: str`` — the service it reports on (the key in `check_all`'s result);
- ``check(settings: Settings) -> CheckResult`` — return within about a second;
  anything it raises is reported as a failed check, never propagated.

Checks run concurrently (threads) in the watchdog and behind the web's /healthz, so
a check keeps no shared connection: it opens what it needs and closes it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from appliance.config import Settings
from appliance.health.result import CheckResult


@dataclass(frozen=True)
class HealthCheck:
    """A discovered check: the service name and the function that checks it."""

    name: str
    check: Callable[[Settings], CheckResult]


@functools.cache
def discover() -> dict[str, HealthCheck]:
    """Return every check in this package, keyed by service name (scanned once)."""
    found: dict[str, HealthCheck] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found[module.NAME] = HealthCheck(module.NAME, module.check)
    return dict(sorted(found.items()))
