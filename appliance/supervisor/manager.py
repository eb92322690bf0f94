"""The supervisor: start every service, restart those that die, stop all on a signal."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from appliance.config import Settings
from appliance.demo import demo_json_path, refresh_demo_json
from appliance.supervisor import hold
from appliance.supervisor.banner import render_banner
from appliance.supervisor.const import READY_SERVICES, SUPERVISOR_STATE
from appliance.supervisor.output import OutputSink
from appliance.supervisor.process import MonitoredProcess, RestartBudget
from appliance.supervisor.services import REPO_ROOT, ServiceSpec, build_specs, child_env
from appliance.supervisor.statefile import write_json_atomic

POLL_SECONDS = 0.2
READY_REPORT_SECONDS = 30.0  # say what is still starting this often until ready


class Supervisor:
    """Run the box's services as children of this process (`callbox run`)."""

    def __init__(self, settings: Settings, sink: OutputSink | None = None) -> None:
        """Prepare to supervise with settings, writing lines to sink."""
        self.settings = settings
        self.sink = sink or OutputSink()
        self.state_file = Path(settings.paths.run) / SUPERVISOR_STATE
        self.stopping = threading.Event()
        self.services: list[MonitoredProcess] = []
        self.started_at = time.time()
        self.demo: dict[str, Any] | None = None
        self.held: set[str] = set()  # services stopped on request (hold.py)

    def run(self, specs: list[ServiceSpec] | None = None, wait_ready: bool = True) -> int:
        """Start the services, keep them running until SIGINT/SIGTERM, then stop them."""
        self._install_signal_handlers()
        self.demo = refresh_demo_json(self.settings)  # its ports follow the current settings
        self.services = [self._monitor(spec) for spec in specs or build_specs(self.settings)]
        try:
            for service in self.services:
                service.start()
            self.write_state()
            if wait_ready:
                threading.Thread(target=self._announce_when_ready, daemon=True).start()
            self._watch()
        finally:
            self.shutdown()
        return 0

    def stop(self) -> None:
        """Make run() stop the services and return."""
        self.stopping.set()

    def _monitor(self, spec: ServiceSpec) -> MonitoredProcess:
        """Return the watchdog of one service, with the configured restart policy."""
        policy = self.settings.supervisor
        return MonitoredProcess(
            spec.name,
            spec.argv,
            env=child_env(self.settings),
            cwd=REPO_ROOT,
            budget=RestartBudget(policy.restart_budget, policy.restart_window_seconds),
            restart_delay=policy.restart_delay_seconds,
            sink=self.sink,
        )

    def _watch(self) -> None:
        """Poll the children until asked to stop, recording every pid change."""
        while not self.stopping.wait(POLL_SECONDS):
            changed = self._apply_hold()
            changed = any([service.poll() for service in self.services]) or changed
            if changed:
                self.write_state()

    def _apply_hold(self) -> bool:
        """Stop services newly held, start those no longer held; return true on a change."""
        wanted = hold.held(self.settings.paths.run)
        stop = [s for s in self.services if s.name in wanted and s.name not in self.held]
        start = [s for s in self.services if s.name in self.held and s.name not in wanted]
        for service in reversed(stop):
            self.sink.line("callbox", f"{service.name} held stopped (hold.json)")
            self._stop_one(service)
            self.held.add(service.name)
        for service in start:
            self.sink.line("callbox", f"{service.name} released: starting it again")
            service.start()
            self.held.discard(service.name)
        return bool(stop or start)

    def _stop_one(self, service: MonitoredProcess) -> None:
        """Stop one service, killing it after stop_timeout_seconds."""
        service.terminate()
        deadline = time.monotonic() + self.settings.supervisor.stop_timeout_seconds
        while time.monotonic() < deadline and not service.exited():
            time.sleep(0.05)
        service.kill_group()

    def shutdown(self) -> None:
        """SIGTERM every child, SIGKILL what is left after stop_timeout_seconds."""
        self.sink.line("callbox", "stopping")
        for service in reversed(self.services):
            service.terminate()
        deadline = time.monotonic() + self.settings.supervisor.stop_timeout_seconds
        while time.monotonic() < deadline and not all(s.exited() for s in self.services):
            time.sleep(0.05)
        for service in self.services:
            if not service.exited():
                self.sink.line("callbox", f"{service.name} did not stop in time: killing it")
            service.kill_group()  # also reaps workers a dead leader left behind
        with contextlib.suppress(FileNotFoundError):
            self.state_file.unlink()
        self.sink.line("callbox", "stopped")

    def write_state(self) -> None:
        """Write supervisor.json: this pid and each child's pid, state and restarts."""
        document = {
            "pid": os.getpid(),
            "started_at": self.started_at,
            "children": {s.name: s.describe() for s in self.services},
        }
        write_json_atomic(self.state_file, document)

    def _install_signal_handlers(self) -> None:
        """Stop on SIGINT and SIGTERM (only the main thread may do this)."""
        if threading.current_thread() is not threading.main_thread():
            return

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            """Ask the main loop to stop."""
            self.stop()

        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)

    def _announce_when_ready(self) -> None:
        """Print the banner once Kamailio, the engine and the web all answer."""
        from appliance.health import check_all  # imported here: only the banner needs it

        last_report = time.monotonic()
        while not self.stopping.is_set():
            results = check_all(self.settings, only=READY_SERVICES)
            waiting = {name: r["detail"] for name, r in results.items() if not r["ok"]}
            if not waiting:
                self._print_banner()
                return
            if time.monotonic() - last_report >= READY_REPORT_SECONDS:
                last_report = time.monotonic()
                detail = "; ".join(f"{name}: {d}" for name, d in waiting.items())
                self.sink.line("callbox", f"still waiting for {detail}")
            self.stopping.wait(0.5)

    def _print_banner(self) -> None:
        """Print the ready banner with the demo's credentials when there are some."""
        for line in render_banner(self.settings, self.demo, demo_json_path(self.settings)):
            self.sink.line("callbox", line)
