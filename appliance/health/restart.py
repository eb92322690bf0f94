"""Restart a service that stays unhealthy, within a budget and with back-off.

Under `callbox run` the watchdog kills the child's process group (its pid is in
<run>/supervisor.json) and the supervisor starts it again; under systemd it runs
``systemctl restart callbox-<service>``.  Each service may be restarted
watchdog.restart_budget times per watchdog.restart_window_seconds; after a restart
the next waits restart_backoff_seconds, doubled after each further one.  Nothing is
restarted within restart_grace_seconds of the watchdog's start or of the service's
(supervisor.json's started_at): a service still starting does not answer yet.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.config import Settings
from appliance.supervisor.const import SUPERVISOR_STATE
from appliance.supervisor.statefile import read_json

log = logging.getLogger(__name__)
RESTARTED, WAITING, EXHAUSTED, FAILED = "restarted", "waiting", "exhausted", "failed"


@dataclass
class Budget:
    """The restarts of one service within the window."""

    times: list[float] = field(default_factory=list)

    def prune(self, now: float, window: float) -> None:
        """Forget restarts older than the window."""
        self.times = [t for t in self.times if now - t < window]


class Restarter:
    """Restart services by the method the box runs them with."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        """Restart by settings.watchdog's method, budget and back-off."""
        self.settings = settings
        self.watchdog = settings.watchdog
        self.clock = clock
        self.budgets: dict[str, Budget] = {}
        self.started = clock()

    @property
    def method(self) -> str:
        """Return "systemd" or "supervisor": how this box runs its services."""
        if self.watchdog.restart_method != "auto":
            return self.watchdog.restart_method
        return "systemd" if os.environ.get("INVOCATION_ID") else "supervisor"

    def restart(self, service: str) -> str:
        """Restart service if its budget and back-off allow; return what happened."""
        now = self.clock()
        budget = self.budgets.setdefault(service, Budget())
        budget.prune(now, self.watchdog.restart_window_seconds)
        if len(budget.times) >= self.watchdog.restart_budget:
            return EXHAUSTED
        if budget.times and now - budget.times[-1] < self.backoff(len(budget.times)):
            return WAITING
        if self.in_grace(service):
            return WAITING
        budget.times.append(now)
        try:
            self._systemd(service) if self.method == "systemd" else self._supervisor(service)
        except (OSError, subprocess.SubprocessError, LookupError) as exc:
            log.error("restart of %s failed: %s", service, exc)
            return FAILED
        log.warning("restarted %s (%d in the window)", service, len(budget.times))
        return RESTARTED

    def in_grace(self, service: str) -> bool:
        """Return true if the watchdog or the service started too recently to judge it."""
        return self.clock() - self.started < self.watchdog.restart_grace_seconds or (
            self._starting(service)
        )

    def _starting(self, service: str) -> bool:
        """Return true if the supervisor started service within the grace period."""
        started_at = self._child(service).get("started_at")
        grace = self.watchdog.restart_grace_seconds
        return isinstance(started_at, (int, float)) and time.time() - started_at < grace

    def _child(self, service: str) -> dict[str, Any]:
        """Return the service's entry in supervisor.json ({} if there is none)."""
        state = read_json(Path(self.settings.paths.run) / SUPERVISOR_STATE)
        children = state.get("children", {}) if isinstance(state, dict) else {}
        child = children.get(service) if isinstance(children, dict) else None
        return child if isinstance(child, dict) else {}

    def backoff(self, restarts: int) -> float:
        """Return the wait after the restarts-th restart in the window."""
        return float(self.watchdog.restart_backoff_seconds * 2 ** (restarts - 1))

    def _systemd(self, service: str) -> None:
        """Restart the service's unit."""
        command = [self.watchdog.systemctl, "restart", f"callbox-{service}"]
        subprocess.run(command, check=True, timeout=30, capture_output=True)

    def _supervisor(self, service: str) -> None:
        """Kill the child's process group; `callbox run` restarts children that die."""
        pid = self._child(service).get("pid")
        if not pid:
            raise LookupError(f"{service} has no pid in {SUPERVISOR_STATE}")
        os.killpg(os.getpgid(int(pid)), signal.SIGKILL)  # it hangs: a polite stop would too
