"""A whole box under `callbox run`, a bounded SIPp caller load, and what a kill -9 must not lose.

Used by `tests/supervisor/test_kill_under_load.py` and `bench/recovery.py`: the box runs
with its supervisor (which restarts a killed child), callers come through the trunk at a
set rate (each with its own number, so each completed call is matched to its CDR), and
an event tap keeps every call event the engine published (published = committed).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from boxharness import free_port

from appliance.config import Settings, load
from appliance.engine.control import ControlClient, ControlError, EngineUnavailable
from appliance.health.checks import discover

ROOT = Path(__file__).resolve().parents[2]
CALLER = str(ROOT / "tests" / "scenarios" / "crash_caller.xml")
PREFIX = "1390"  # callers are 1390<N>, N = SIPp's call number
SERVICES = ("engine", "kamailio", "web", "scheduler")


@dataclass
class SupervisedBox:
    """`callbox run` on free loopback ports in var."""

    var: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
        env |= {"CALLBOX_CONFIG": str(self.var / "no-config.yml"),
                "CALLBOX_PATHS__VAR": str(self.var), "CALLBOX_DEMO": "true",
                "CALLBOX_SIP__PIKE_EXEMPT": "127.0.0.1",
                "CALLBOX_ENGINE__RTP_PORT": str(random.randrange(30000, 50000, 2)),
                "CALLBOX_ENGINE__RTP_PORT_RANGE": "400"}  # fmt: skip
        for name in ("WEB__PORT", "SIP__PORT", "ENGINE__PORT", "ENGINE__TRUNK_PORT"):
            env[f"CALLBOX_{name}"] = str(free_port())
        self.env = env

    @property
    def settings(self) -> Settings:
        """Return the box's settings."""
        return load(env=self.env)

    def start(self, timeout: float = 120) -> None:
        """Start `callbox run` and wait until every service is healthy."""
        self.var.mkdir(parents=True, exist_ok=True)
        with (self.var / "run.log").open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "appliance.cli", "run"], cwd=ROOT, env=self.env,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        end = time.monotonic() + timeout
        while not all(self.healthy(name) for name in SERVICES):
            if self.proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError(f"callbox run did not come up: {self.log_tail()}")
            time.sleep(0.5)

    def stop(self) -> None:
        """Stop `callbox run` (SIGTERM, then SIGKILL if it hangs)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the supervisor's output."""
        path = self.var / "run.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def child_pid(self, name: str) -> int | None:
        """Return a running child's pid from supervisor.json."""
        try:
            state = json.loads((self.settings.run_dir / "supervisor.json").read_text())
        except (OSError, ValueError):
            return None
        pid = state.get("children", {}).get(name, {}).get("pid")
        return int(pid) if pid else None

    def healthy(self, name: str) -> bool:
        """Return true if the service's health check passes."""
        try:
            return discover()[name].check(self.settings).ok
        except Exception:
            return False

    def kill_and_time(self, name: str, timeout: float = 30) -> float:
        """kill -9 the service's process; return the seconds until it is healthy again."""
        pid = self.child_pid(name)
        assert pid is not None, f"{name} is not running"
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        end = killed + timeout
        while time.monotonic() < end:
            new = self.child_pid(name)
            if new not in (None, pid) and self.healthy(name) and self._fresh(name, killed):
                return time.monotonic() - killed
            time.sleep(0.05)
        raise TimeoutError(f"{name} not healthy {timeout} s after kill -9: {self.log_tail()}")

    def _fresh(self, name: str, killed: float) -> bool:
        """Return true unless the check passes on what the dead process left (a heartbeat)."""
        if name != "scheduler":
            return True
        beat = self.settings.run_dir / "scheduler.heartbeat"
        age = time.time() - beat.stat().st_mtime
        return age < time.monotonic() - killed

    def db(self) -> sqlite3.Connection:
        """Return a read connection to the store."""
        conn = sqlite3.connect(self.settings.paths.database, timeout=10)
        conn.row_factory = sqlite3.Row
        return conn

    def cdrs(self) -> dict[str, dict[str, Any]]:
        """Return the CDRs by caller number."""
        with contextlib.closing(self.db()) as conn:
            return {r["from_number"]: dict(r) for r in conn.execute("SELECT * FROM cdr")}

    def stored_events(self) -> set[tuple[str, str, str, float]]:
        """Return (call_id, kind, leg, at) of every stored call event."""
        with contextlib.closing(self.db()) as conn:
            rows = conn.execute("SELECT call_id, kind, leg, at FROM call_event")
            return {(r["call_id"], r["kind"], r["leg"], r["at"]) for r in rows}


T = TypeVar("T")


def _retrying(connect: Callable[[], T], seconds: float = 10) -> T:
    """Return connect() once the engine takes the connection (it may be busy starting)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return connect()
        except EngineUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class EventTap:
    """Keep every event the engine publishes (it publishes only what the store committed)."""

    def __init__(self, box: SupervisedBox) -> None:
        self.events: list[dict[str, Any]] = []
        stream = _retrying(lambda: ControlClient(box.settings.engine.control_socket).events(60))
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Iterator[dict[str, Any]]) -> None:
        """Append events until the engine goes away or the stream goes quiet."""
        with contextlib.suppress(OSError, ControlError, TimeoutError, ValueError):
            for event in stream:
                self.events.append(event)

    def keys(self) -> set[tuple[str, str, str, float]]:
        """Return (call_id, kind, leg, at) of the events seen."""
        return {(e["call_id"], e["event"], e["leg"], e["at"]) for e in list(self.events)}


class CallerLoad:
    """A bounded SIPp caller load at the trunk: `calls` calls at `rate`/s, each `hold_ms` long."""

    def __init__(self, box: SupervisedBox, folder: Path, rate: float, calls: int, hold_ms: int):
        self.folder = folder
        self.log = folder / "callers.log"
        trunk = box.settings.engine.trunk_port
        args = ["sipp", f"127.0.0.1:{trunk}", "-sf", CALLER, "-s", "100",
                "-key", "caller", PREFIX, "-set", "hold_ms", str(hold_ms),
                "-i", "127.0.0.1", "-p", str(free_port()), "-mp", str(free_port() // 2 * 2),
                "-r", f"{rate:g}", "-m", str(calls), "-l", str(calls), "-nostdin",
                "-recv_timeout", "6000", "-timeout", f"{int(calls / rate + 25)}s",
                "-trace_logs", "-log_file", str(self.log)]  # fmt: skip
        folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(args, cwd=folder, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)  # fmt: skip

    def wait(self, timeout: float = 60) -> None:
        """Wait for SIPp to end (it is bounded by -m and -timeout)."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def completed(self) -> list[str]:
        """Return the caller numbers of the calls that completed (BYE answered)."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").split()
        return [PREFIX + n for word, n in itertools.pairwise(lines) if word == "completed"]
