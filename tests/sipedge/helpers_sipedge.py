"""Helpers for the SIP edge tests: free ports, settings, a running Kamailio, SIPp runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from appliance import config
from appliance.config import Settings
from appliance.sipedge.manager import Kamailio
from appliance.sipedge.registrations import Registration, registered

SCENARIOS = Path(__file__).parent / "scenarios"
LOOPBACK = "127.0.0.1"
STOP_GRACE_SECONDS = 3.0

# Extension -> SIP password of the agents every live test provisions.
AGENTS = {"1001": "secret-1001", "1002": "secret-1002"}


def free_port() -> int:
    """Return a loopback port that is free for both UDP and TCP right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((LOOPBACK, 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((LOOPBACK, port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free loopback port found in 50 tries")


def make_settings(var: Path, **sip: Any) -> Settings:
    """Return settings under var with free SIP and engine ports and sip overrides."""
    overrides = {
        "paths": {"var": str(var)},
        "sip": {"port": free_port(), "children": 2, **sip},
        "engine": {"port": free_port()},
    }
    return config.load(config_file=var / "absent.yml", env={}, overrides=overrides)


class RunningEdge:
    """A Kamailio started from Kamailio(settings).argv(), stopped SIGTERM-then-SIGKILL."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        """Remember what to run; start() launches it."""
        self.settings = settings
        self.kamailio = Kamailio(settings)
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        """Return the edge's SIP port."""
        return self.settings.sip.port

    def start(self) -> None:
        """Start Kamailio and wait until it answers OPTIONS."""
        with self.log_path.open("ab") as log:
            # Its own session, so a SIGKILL fallback can reach Kamailio's children too.
            self.process = subprocess.Popen(
                self.kamailio.argv(), stdout=log, stderr=log, start_new_session=True
            )
        if not self.kamailio.wait_ready(timeout=5.0):
            self.stop()
            raise AssertionError(f"kamailio not ready in 5 s:\n{self.log()}")

    def stop(self) -> None:
        """Stop Kamailio: SIGTERM, then SIGKILL to its process group after 3 s."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_GRACE_SECONDS)

    def restart(self) -> None:
        """Stop and start Kamailio again with the same files."""
        self.stop()
        self.start()

    def log(self) -> str:
        """Return Kamailio's output so far."""
        return self.log_path.read_text(errors="replace")


def wait_registered(
    settings: Settings, extensions: set[str], seconds: float = 5.0
) -> dict[str, Registration]:
    """Return registered() once it holds extensions (usrloc flushes every second), or fail."""
    deadline = time.monotonic() + seconds
    while True:
        found = registered(settings)
        if extensions <= set(found) or time.monotonic() > deadline:
            assert extensions <= set(found), f"not registered after {seconds} s: {extensions}"
            return found
        time.sleep(0.05)


def sipp_argv(scenario: str, *args: str, seconds: int = 8) -> list[str]:
    """Return a bounded SIPp command line for one scenario file."""
    return [
        "sipp",
        "-sf",
        str(SCENARIOS / scenario),
        "-nostdin",
        "-trace_err",
        "-timeout",
        f"{seconds}s",
        "-timeout_error",
        *args,
    ]


def run_sipp(
    cwd: Path, scenario: str, *args: str, seconds: int = 8
) -> subprocess.CompletedProcess[str]:
    """Run SIPp to completion (bounded in time) and return its result."""
    return subprocess.run(
        sipp_argv(scenario, *args, seconds=seconds),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=seconds + 5,
        check=False,
    )


def start_sipp(cwd: Path, scenario: str, *args: str, seconds: int = 8) -> subprocess.Popen[str]:
    """Start SIPp in the background (a UAS) and return the process."""
    return subprocess.Popen(
        sipp_argv(scenario, *args, seconds=seconds),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen[str], seconds: float = 10.0) -> int:
    """Wait for a background SIPp (killing it past seconds) and return its exit code."""
    try:
        process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
    return int(process.returncode)


def errors(cwd: Path) -> str:
    """Return SIPp's unexpected-message logs in cwd, for assertion messages."""
    return "\n".join(p.read_text(errors="replace") for p in sorted(cwd.glob("*_errors.log")))


def register(
    edge: RunningEdge,
    cwd: Path,
    extension: str,
    password: str,
    contact_port: int,
    *extra: str,
    contact_host: str = LOOPBACK,
    scenario: str = "register.xml",
) -> subprocess.CompletedProcess[str]:
    """Register extension with the edge (SIPp UAC), its Contact at contact_host:contact_port."""
    return run_sipp(
        cwd,
        scenario,
        f"{LOOPBACK}:{edge.port}",
        "-i", LOOPBACK,
        "-s", extension,
        "-au", extension,
        "-ap", password,
        "-key", "contact_host", contact_host,
        "-key", "contact_port", str(contact_port),
        "-m", "1",
        *extra,
    )  # fmt: skip
