"""sd_notify from the engine and the scheduler: READY=1, then WATCHDOG=1 while alive."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from boxharness import Box

from appliance.health.notify import keep_alive_seconds

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    """Bind a unix datagram socket as systemd's notify socket."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify.sock"))
    sock.settimeout(10)
    yield sock
    sock.close()


def test_keep_alive_is_half_of_watchdog_sec_and_only_for_this_process() -> None:
    assert keep_alive_seconds({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert keep_alive_seconds({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())})
    assert keep_alive_seconds({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert keep_alive_seconds({}) is None
    assert keep_alive_seconds({"WATCHDOG_USEC": "soon"}) is None
    assert keep_alive_seconds({"WATCHDOG_USEC": "0"}) is None


def test_the_scheduler_says_ready_then_keeps_alive(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
    env.update(CALLBOX_CONFIG=str(tmp_path / "absent.yml"), CALLBOX_PATHS__VAR=str(tmp_path),
               NOTIFY_SOCKET=str(tmp_path / "notify.sock"))  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "appliance.jobs"], cwd=REPO_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        messages = {notify_socket.recv(100) for _ in range(3)}  # the order is the pool's
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert messages == {b"READY=1", b"WATCHDOG=1"}
    assert process.returncode == 0


def test_the_engine_says_ready_then_keeps_alive_from_its_loop(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    box = Box(tmp_path / "var")
    box.init()
    try:
        box.start_kamailio()
        box.env.update(NOTIFY_SOCKET=str(tmp_path / "notify.sock"), WATCHDOG_USEC="400000")
        box.start_engine()
        messages = [notify_socket.recv(100) for _ in range(4)]
        box.control.call("ping")
    finally:
        box.stop()
    assert messages == [b"READY=1", b"WATCHDOG=1", b"WATCHDOG=1", b"WATCHDOG=1"]
