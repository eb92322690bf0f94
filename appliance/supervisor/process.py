"""A typed watchdog for one child service: own process group, restart delay and budget."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from appliance.supervisor.const import ServiceState
from appliance.supervisor.output import OutputSink

Clock = Callable[[], float]


class RestartBudget:
    """Allow at most `limit` restarts within any `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        """Allow limit restarts per window seconds, timed by clock."""
        self.limit = limit
        self.window = window
        self.clock = clock
        self._spent: deque[float] = deque()

    def spend(self) -> bool:
        """Record one restart and return true, or return false when the budget is used up."""
        now = self.clock()
        while self._spent and now - self._spent[0] >= self.window:
            self._spent.popleft()
        if len(self._spent) >= self.limit:
            return False
        self._spent.append(now)
        return True


class MonitoredProcess:
    """Run one service as a process-group leader and restart it when it dies.

    The supervisor calls `poll` often; it notices an exit, kills what is left of the
    group (kamailio's workers would keep its ports), and restarts after the delay
    while the budget allows.  Over budget the service stays down with one log line.
    """

    def __init__(
        self,
        name: str,
        argv: Callable[[], list[str]],
        *,
        env: dict[str, str],
        cwd: Path | str,
        budget: RestartBudget,
        restart_delay: float,
        sink: OutputSink,
        clock: Clock = time.monotonic,
    ) -> None:
        """Describe the service; nothing starts until start()."""
        self.name = name
        self.argv = argv
        self.env = env
        self.cwd = str(cwd)
        self.budget = budget
        self.restart_delay = restart_delay
        self.sink = sink
        self.clock = clock
        self.state = ServiceState.STOPPED
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.started_at = 0.0
        self._restart_at = 0.0

    @property
    def pid(self) -> int | None:
        """Return the running child's pid (its process group id too)."""
        return self.popen.pid if self.popen and self.state == ServiceState.RUNNING else None

    @property
    def restarts(self) -> int:
        """Return how many times the service was started again after dying."""
        return max(0, self.starts - 1)

    def start(self) -> None:
        """Start the child in its own process group, its output relayed to the sink."""
        self.popen = subprocess.Popen(
            self.argv(),
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,  # a terminal's Ctrl-C reaches the supervisor only
        )
        assert self.popen.stdout is not None
        self.sink.pump(self.name, self.popen.stdout)
        self.starts += 1
        self.started_at = time.time()
        self.state = ServiceState.RUNNING
        self.sink.line("callbox", f"{self.name} started (pid {self.popen.pid})")

    def poll(self) -> bool:
        """Notice an exit or a due restart; return true if the pid or state changed."""
        if self.state == ServiceState.RUNNING and self.popen and self.popen.poll() is not None:
            self._on_exit(self.popen.returncode)
            return True
        if self.state == ServiceState.BACKOFF and self.clock() >= self._restart_at:
            self.start()
            return True
        return False

    def _on_exit(self, code: int) -> None:
        """Clean up the dead child's group and schedule a restart within the budget."""
        self.kill_group()
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited ({code})"
        if self.budget.spend():
            self.state = ServiceState.BACKOFF
            self._restart_at = self.clock() + self.restart_delay
            self.sink.line("callbox", f"{self.name} {how}; restarting in {self.restart_delay:g} s")
            return
        self.state = ServiceState.GAVE_UP
        self.sink.line(
            "callbox",
            f"{self.name} {how} and was restarted {self.budget.limit} times within "
            f"{self.budget.window:g} s: giving up on it; fix the cause shown above, "
            "then restart callbox",
        )

    def terminate(self) -> None:
        """Ask the running child to stop (SIGTERM to the leader, which stops its workers)."""
        if self.state == ServiceState.RUNNING and self.popen and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
        self.state = ServiceState.STOPPED

    def exited(self) -> bool:
        """Return true if no child is running."""
        return self.popen is None or self.popen.poll() is not None

    def kill_group(self) -> None:
        """SIGKILL whatever is left in the child's process group."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=2)

    def describe(self) -> dict[str, object]:
        """Return the service's entry of supervisor.json."""
        return {
            "pid": self.pid,
            "state": str(self.state),
            "started_at": self.started_at,
            "restarts": self.restarts,
            "argv": self.popen.args if self.popen else None,
        }
