"""The watchdog process: run the checks every few seconds and act on what it sees.

Each round it touches its heartbeat, runs every check, writes <run>/health.json,
logs each change of a service's state, then acts (actions.py: alerts, restarts,
repairs), delivers new alerts (delivery.py), tells systemd it is alive and pets the
hardware watchdog (notify.py).  See docs/watchdog.md.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from peewee import Database

from appliance import config
from appliance.health import check_results
from appliance.health.actions import Actions
from appliance.health.checks import discover
from appliance.health.checks.watchdog import HEARTBEAT_FILE
from appliance.health.delivery import Delivery
from appliance.health.heartbeat import touch
from appliance.health.notify import HardwareWatchdog, sd_notify
from appliance.health.processes import ProcessSampler
from appliance.health.result import CheckResult
from appliance.store.manager import open_store
from appliance.supervisor.statefile import write_json_atomic

log = logging.getLogger("callbox.watchdog")
HEALTH_FILE = "health.json"


class Watchdog:
    """Check every service on a fixed interval, publish the results and act on them."""

    def __init__(self, settings: config.Settings, interval: float | None = None) -> None:
        """Prepare to check every interval seconds (default: watchdog.interval_seconds)."""
        self.settings = settings
        self.interval = settings.watchdog.interval_seconds if interval is None else interval
        self.run_dir = Path(settings.paths.run)
        self.sampler = ProcessSampler(self.run_dir)
        self.stopping = threading.Event()
        self.hardware = HardwareWatchdog(settings.watchdog.hardware_device)
        self._previous: dict[str, bool] = {}
        self._database: Database | None = None
        self._actions: Actions | None = None
        self._delivery: Delivery | None = None
        self._failing = False

    def run(self) -> None:
        """Tick until stop() is called, then disarm the hardware watchdog."""
        log.info("watchdog checking every %g s", self.interval)
        sd_notify("READY=1")
        try:
            while not self.stopping.is_set():
                started = time.monotonic()
                self.tick()
                self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))
        finally:
            self.hardware.close()
            if self._database is not None:
                self._database.close()
        log.info("watchdog stopped")

    def stop(self) -> None:
        """Make run() return after the current tick."""
        self.stopping.set()

    def tick(self) -> dict[str, Any]:
        """Run one round: heartbeat, checks, health.json, change log, actions, keep-alives."""
        touch(self.run_dir / HEARTBEAT_FILE)  # first, so our own check sees a live loop
        results = check_results(self.settings)
        services = {name: r.as_dict() for name, r in results.items()}
        report = {"at": time.time(), "services": services, "processes": self.sampler.sample()}
        write_json_atomic(self.run_dir / HEALTH_FILE, report)
        self._log_changes(services)
        acted = self._act(results)
        sd_notify("WATCHDOG=1")
        if acted:  # the round went through: the box may keep running
            self.hardware.pet()
        return report

    def _act(self, results: dict[str, CheckResult]) -> bool:
        """Apply the policies and deliver alerts; return false if the store was unusable."""
        if not Path(self.settings.paths.database).exists():
            return False  # not initialised yet: the store check says so; never create it here
        try:
            actions, delivery = self._acting()
            for key in actions.apply(discover(), results):
                delivery.log_cleared(key)
            delivery.deliver()
        except Exception as exc:  # a broken store or check must not stop the loop
            if not self._failing:
                log.exception("watchdog actions failed: %s (retried every round)", exc)
            self._failing = True
            if self._database is not None:
                self._database.close()
            self._database, self._actions = None, None  # reconnect next round
            return False
        if self._failing:
            log.info("watchdog actions work again")
        self._failing = False
        return True

    def _acting(self) -> tuple[Actions, Delivery]:
        """Return the actions and delivery, opening the store on first use."""
        if self._actions is None or self._delivery is None:
            self._database = open_store(self.settings, migrate=False)
            self._actions = Actions(self.settings, self._database)
            self._delivery = Delivery(self.settings, self._database)
        return self._actions, self._delivery

    def _log_changes(self, services: dict[str, dict[str, Any]]) -> None:
        """Log each service whose health differs from the previous round."""
        for name, result in services.items():
            if self._previous.get(name) != result["ok"]:
                state = "healthy" if result["ok"] else "UNHEALTHY"
                level = logging.INFO if result["ok"] else logging.WARNING
                log.log(level, "%s is %s: %s", name, state, result["detail"])
        self._previous = {name: result["ok"] for name, result in services.items()}


def main() -> int:
    """Run the watchdog until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    watchdog = Watchdog(config.load())

    def _stop(signum: int, frame: FrameType | None) -> None:
        """Ask the loop to finish."""
        watchdog.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    watchdog.run()
    return 0
