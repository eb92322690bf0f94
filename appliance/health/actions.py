"""What the watchdog does about failed checks: alerts, restarts and repairs.

Each check has one policy (its module's ON_FAILURE, see checks/__init__.py).  A
condition (a finding, or the failed check itself) must hold for
watchdog.failures_before_action rounds in a row before anything is done; then:

- "restart": restart the service (restart.py) and raise ``service.<name>``; once the
  restart budget is used up the alert turns critical (``restart_budget_used``);
- a finding with a repair command: ask the engine to repair it (when watchdog.repair);
- always: raise the condition's alert.  An alert the check owns whose condition is
  gone is cleared.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from peewee import Database

from appliance.config import Settings
from appliance.engine.control import ControlClient, ControlError
from appliance.health import alerts
from appliance.health.checks import RESTART, HealthCheck
from appliance.health.restart import EXHAUSTED, Restarter
from appliance.health.result import CheckResult, Finding

log = logging.getLogger("callbox.watchdog")
EngineCall = Callable[..., Any]
SELF = "watchdog"  # its own check: if it runs, the watchdog is alive


class Actions:
    """Turn each round's check results into alerts, restarts and repairs."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        restarter: Restarter | None = None,
        engine_call: EngineCall | None = None,
    ) -> None:
        """Act on settings.watchdog's policy, keeping alerts in database."""
        self.settings = settings
        self.database = database
        self.restarter = restarter or Restarter(settings)
        self.engine_call = engine_call or self._engine_call
        self.streaks: dict[str, int] = {}

    def apply(self, checks: dict[str, HealthCheck], results: dict[str, CheckResult]) -> list[str]:
        """Act on one round of results; return the keys of the alerts cleared."""
        found: dict[str, tuple[HealthCheck, Finding]] = {}
        for name, result in results.items():
            if name != SELF and name in checks:
                found.update({f.key: (checks[name], f) for f in conditions(checks[name], result)})
        self.streaks = {key: self.streaks.get(key, 0) + 1 for key in found}
        for key, (check, finding) in found.items():
            if self.streaks[key] >= self.settings.watchdog.failures_before_action:
                self._act(check, finding)
        return self._clear_gone([checks[n] for n in results if n in checks], set(found))

    def _act(self, check: HealthCheck, finding: Finding) -> None:
        """Restart, repair and raise the alert for one condition that persists."""
        restarting = check.on_failure == RESTART and self.settings.watchdog.restart
        if restarting and self.restarter.in_grace(check.name):
            return  # still starting: not down yet, and no alert for a normal start
        if restarting and self.restarter.restart(check.name) == EXHAUSTED:
            params = {**finding.params, "budget": self.settings.watchdog.restart_budget}
            finding = Finding(finding.key, "restart_budget_used", params, finding.detail,
                              alerts.CRITICAL)  # fmt: skip
        if finding.repair is not None and self.settings.watchdog.repair:
            self._repair(finding)
        alerts.raise_alert(self.database, finding.key, finding.kind, finding.params,
                           finding.detail, finding.severity)  # fmt: skip

    def _repair(self, finding: Finding) -> None:
        """Ask the engine to put the finding right; a refusal means it already moved on."""
        assert finding.repair is not None
        command, args = finding.repair
        try:
            answer = self.engine_call(command, **args)
        except (ControlError, OSError) as exc:
            log.warning("repair %s %s not done: %s", command, args, exc)
            return
        log.warning("repaired %s: %s %s -> %s", finding.key, command, args, answer)

    def _clear_gone(self, ran: list[HealthCheck], found: set[str]) -> list[str]:
        """Clear the active alerts of the checks that ran whose condition no longer holds."""
        gone = [a.key for a in alerts.active()
                if a.key not in found and any(c.owns(a.key) for c in ran)]  # fmt: skip
        return [key for key in gone if alerts.clear_alert(self.database, key)]

    def _engine_call(self, command: str, **args: Any) -> Any:
        """Send one control command to the engine."""
        return ControlClient(self.settings.engine.control_socket, timeout=5.0).call(command, **args)


def conditions(check: HealthCheck, result: CheckResult) -> list[Finding]:
    """Return the conditions a result reports: its findings, or the failed check itself."""
    if result.findings:
        return list(result.findings)
    if result.ok:
        return []
    params = {"service": check.name}
    return [Finding(check.alert_key, check.alert_kind, params, result.detail, check.alert_severity)]
