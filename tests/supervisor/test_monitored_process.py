"""MonitoredProcess: restart delay, restart budget, process-group cleanup."""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from appliance.supervisor.const import ServiceState
from appliance.supervisor.output import OutputSink
from appliance.supervisor.process import MonitoredProcess, RestartBudget


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        """Start at an arbitrary time."""
        self.now = 1000.0

    def __call__(self) -> float:
        """Return the current fake time."""
        return self.now


def python(code: str) -> Callable[[], list[str]]:
    """Return an argv builder running code in this interpreter."""
    return lambda: [sys.executable, "-c", code]


def monitored(code: str, budget: RestartBudget, sink: OutputSink) -> MonitoredProcess:
    """Return a MonitoredProcess running code with no restart delay."""
    return MonitoredProcess(
        "flaky",
        python(code),
        env=dict(os.environ),
        cwd=Path.cwd(),
        budget=budget,
        restart_delay=0.0,
        sink=sink,
    )


def poll_until(process: MonitoredProcess, done: Callable[[], bool], timeout: float = 20) -> None:
    """Poll process as the supervisor does until done() or timeout."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"state {process.state}, starts {process.starts}"
        process.poll()
        time.sleep(0.02)


def test_budget_allows_limit_per_window() -> None:
    """Allow `limit` restarts in a window, then again once the window has passed."""
    clock = FakeClock()
    budget = RestartBudget(limit=3, window=60, clock=clock)
    assert [budget.spend() for _ in range(4)] == [True, True, True, False]
    clock.now += 59
    assert not budget.spend()
    clock.now += 1.5
    assert budget.spend()


def test_child_exiting_at_once_is_given_up_after_budget() -> None:
    """Restart a child that always exits exactly `limit` times, then stop with one line."""
    out = io.StringIO()
    process = monitored("raise SystemExit(3)", RestartBudget(3, 60), OutputSink(out))
    process.start()
    poll_until(process, lambda: process.state == ServiceState.GAVE_UP)
    assert process.starts == 4  # the first start and three restarts
    assert process.pid is None
    log = out.getvalue()
    assert log.count("restarting in 0 s") == 3
    give_up = [line for line in log.splitlines() if "giving up" in line]
    assert len(give_up) == 1
    assert "flaky exited (3) and was restarted 3 times within 60 s" in give_up[0]
    time.sleep(0.2)
    assert not process.poll()  # stays down
    assert process.starts == 4


def test_restart_waits_for_the_delay() -> None:
    """Start again only once restart_delay has passed."""
    clock = FakeClock()
    process = MonitoredProcess(
        "flaky",
        python("pass"),
        env=dict(os.environ),
        cwd=Path.cwd(),
        budget=RestartBudget(5, 60, clock),
        restart_delay=2.0,
        sink=OutputSink(io.StringIO()),
        clock=clock,
    )
    process.start()
    poll_until(process, lambda: process.state == ServiceState.BACKOFF)
    clock.now += 1.9
    assert not process.poll() and process.starts == 1
    clock.now += 0.2
    assert process.poll() and process.starts == 2
    process.terminate()
    process.kill_group()


def test_output_is_prefixed_with_the_service_name() -> None:
    """Relay the child's stdout and stderr lines under its name."""
    out = io.StringIO()
    code = "import sys; print('hello'); print('oops', file=sys.stderr)"
    process = monitored(code, RestartBudget(0, 60), OutputSink(out))
    process.start()
    poll_until(process, lambda: process.state == ServiceState.GAVE_UP)
    time.sleep(0.2)  # the relay thread drains the pipe
    lines = out.getvalue().splitlines()
    assert "flaky     | hello" in lines
    assert "flaky     | oops" in lines


def test_dead_leader_takes_its_group_along() -> None:
    """Kill the workers a dead leader leaves behind before restarting it."""
    code = (
        "import subprocess, sys, time;"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        "print(p.pid, flush=True); time.sleep(0.5)"
    )
    out = io.StringIO()
    process = monitored(code, RestartBudget(0, 60), OutputSink(out))
    process.start()
    poll_until(process, lambda: process.state == ServiceState.GAVE_UP)
    first_line = next(line for line in out.getvalue().splitlines() if line.startswith("flaky "))
    worker = int(first_line.split("|")[1])
    deadline = time.monotonic() + 5
    while psutil.pid_exists(worker) and psutil.Process(worker).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the orphaned worker survived"
        time.sleep(0.05)


def test_terminate_stops_a_running_child() -> None:
    """Stop a long-running child with SIGTERM."""
    process = monitored(
        "import time; time.sleep(60)", RestartBudget(1, 60), OutputSink(io.StringIO())
    )
    process.start()
    pid = process.pid
    assert pid and psutil.pid_exists(pid)
    process.terminate()
    assert process.popen is not None and process.popen.wait(timeout=5) == -15
    assert process.state == ServiceState.STOPPED and process.exited()
