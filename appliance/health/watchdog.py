"""The watchdog process: run the checks every few seconds and record what it sees.

For now it only reports: it writes <run>/health.json and its heartbeat, and logs
each change of a service's state.  Restarting stuck services comes later.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from appliance import config
from appliance.health import check_all
from appliance.health.checks.watchdog import HEARTBEAT_FILE
from appliance.health.heartbeat import touch
from appliance.health.processes import ProcessSampler
from appliance.supervisor.statefile import write_json_atomic

log = logging.getLogger("callbox.watchdog")
INTERVAL_SECONDS = 2.0
HEALTH_FILE = "health.json"


class Watchdog:
    """Check every service on a fixed interval and publish the results."""

    def __init__(self, settings: config.Settings, interval: float = INTERVAL_SECONDS) -> None:
        """Prepare to check every interval seconds."""
        self.settings = settings
        self.interval = interval
        self.run_dir = Path(settings.paths.run)
        self.sampler = ProcessSampler(self.run_dir)
        self.stopping = threading.Event()
        self._previous: dict[str, bool] = {}

    def run(self) -> None:
        """Tick until stop() is called."""
        log.info("watchdog checking every %g s", self.interval)
        while not self.stopping.is_set():
            started = time.monotonic()
            self.tick()
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))
        log.info("watchdog stopped")

    def stop(self) -> None:
        """Make run() return after the current tick."""
        self.stopping.set()

    def tick(self) -> dict[str, Any]:
        """Run one round: heartbeat, checks, process sample, health.json, change log."""
        touch(self.run_dir / HEARTBEAT_FILE)  # first, so our own check sees a live loop
        services = check_all(self.settings)
        report = {"at": time.time(), "services": services, "processes": self.sampler.sample()}
        write_json_atomic(self.run_dir / HEALTH_FILE, report)
        self._log_changes(services)
        return report

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
