"""Keep the running boards' health live: poll them on a timer, rescan on hot-plug.

The engine runs one `BoardMonitor` beside its boards. Its own thread (serial and device
I/O never runs on the engine thread) polls every board every `interval` seconds
(`Registry.refresh`: a GSM module's SIM, signal, registration), and rewrites
`<run>/boards.json` when what it says changed, so the watchdog's `boards` check sees a
SIM pulled out, signal lost or an alarm while the box runs. `poke` makes it poll at
once (a port raised an alarm); `rescan` runs `hotplug.rescan` on the same thread (a
device came or went) and hands what changed to `on_change`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from appliance.boards.hotplug import Rescan, rescan
from appliance.boards.registry import Registry, write_status
from appliance.config import Settings

log = logging.getLogger(__name__)


class BoardMonitor:
    """Poll the boards on a timer and on demand, on one thread."""

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        configs: list[Mapping[str, Any]],
        interval: float,
        on_change: Callable[[Rescan], None],
    ) -> None:
        """Watch registry's boards (configs: the `boards:` setting) every interval seconds."""
        self.settings = settings
        self.registry = registry
        self.configs = configs
        self.interval = interval
        self.on_change = on_change
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._rescans: list[Future[Rescan]] = []
        self._lock = threading.Lock()
        self._written = self._snapshot()
        self._thread = threading.Thread(target=self._loop, name="board-monitor", daemon=True)
        self.polls = 0

    def start(self) -> None:
        """Start polling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling (a poll under way finishes first, bounded by the drivers' timeouts)."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=15)
        with self._lock:
            pending, self._rescans = self._rescans, []
        for future in pending:
            future.cancel()

    def poke(self) -> None:
        """Poll now (something happened on a port)."""
        self._wake.set()

    def rescan(self) -> Future[Rescan]:
        """Rescan the configured boards on the monitor's thread; the future says what changed."""
        future: Future[Rescan] = Future()
        with self._lock:
            if self._stop.is_set():
                raise RuntimeError("the board monitor is stopped")
            self._rescans.append(future)
        self._wake.set()
        return future

    def _loop(self) -> None:
        """Poll every interval, or when woken; rescan first when asked."""
        while not self._stop.is_set():
            self._wake.wait(self.interval if self.interval > 0 else None)
            self._wake.clear()
            if self._stop.is_set():
                return
            self._rescan_requested()
            try:
                self.registry.refresh()
            except Exception:  # a driver's bug: the monitor goes on
                log.exception("boards: refresh failed")
            self.polls += 1
            self._write_if_changed()

    def _rescan_requested(self) -> None:
        """Run the rescans asked for since the last round (one rescan answers them all)."""
        with self._lock:
            waiting, self._rescans = self._rescans, []
        if not waiting:
            return
        try:
            changed = rescan(self.settings, self.registry, self.configs)
            self._written = self._snapshot()
            self.on_change(changed)
        except Exception as error:
            log.exception("boards: rescan failed")
            for future in waiting:
                future.set_exception(error)
            return
        for future in waiting:
            future.set_result(changed)

    def _snapshot(self) -> str:
        """Return the boards' status as the JSON the status file holds."""
        return json.dumps([s.as_dict() for s in self.registry.status.values()], sort_keys=True)

    def _write_if_changed(self) -> None:
        """Rewrite <run>/boards.json when the status differs from what was written."""
        now = self._snapshot()
        if now == self._written:
            return
        write_status(self.settings.run_dir, list(self.registry.status.values()))
        self._written = now
        log.info("boards: status changed, %s rewritten", self.settings.run_dir / "boards.json")
