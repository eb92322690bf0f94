"""`callbox run` for real: the whole box on free ports, a killed engine, a clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest
from supervisor_helpers import read_state, wait_for

REPO_ROOT = Path(__file__).resolve().parents[2]


def callbox_run(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start `callbox run` with its output going to log."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "appliance.cli", "run", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


_UNVERIFIED = ssl._create_unverified_context()


def health(env: dict[str, str]) -> dict[str, Any]:
    """Return the services part of GET /healthz, or {} while the web is not answering."""
    url = f"https://127.0.0.1:{env['CALLBOX_WEB__PORT']}/healthz"  # self-signed (web/tls.py)
    try:
        with urllib.request.urlopen(url, timeout=2, context=_UNVERIFIED) as response:
            body = json.load(response)
    except urllib.error.HTTPError as exc:
        body = json.load(exc)
    except (OSError, ValueError):
        return {}
    services = body.get("services", body)
    return services if isinstance(services, dict) else {}


def engine_ok(env: dict[str, str]) -> bool:
    """Return true if /healthz says the engine is ok."""
    return bool(health(env).get("engine", {}).get("ok"))


def engine_pid(var: Path) -> int | None:
    """Return the engine's pid from supervisor.json, or None."""
    state = read_state(var) or {}
    pid = state.get("children", {}).get("engine", {}).get("pid")
    return int(pid) if pid else None


def group_members(pgid: int) -> list[int]:
    """Return the live (non-zombie) processes in process group pgid."""
    members = []
    for proc in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(proc.pid)
        except (OSError, psutil.Error):
            continue
    return members


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM the supervisor and return its exit status (killing it if it hangs)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.mark.timeout(180)
def test_engine_is_restarted_and_everything_stops(
    callbox_env: dict[str, str], tmp_path: Path
) -> None:
    """Restart a SIGKILLed engine with a new pid, then stop every child on SIGTERM."""
    log = tmp_path / "run.log"
    var = Path(callbox_env["CALLBOX_PATHS__VAR"])
    process = callbox_run(callbox_env, log)
    children: dict[str, Any] = {}
    try:
        wait_for("the engine healthy in /healthz", lambda: engine_ok(callbox_env), 90, 0.5)
        wait_for("the banner", lambda: "callbox is ready" in log.read_text(errors="replace"), 30)
        children = read_state(var)["children"]  # type: ignore[index]
        first = children["engine"]["pid"]
        os.kill(first, signal.SIGKILL)
        started = time.monotonic()
        new_pid = wait_for(
            "a new engine pid in supervisor.json",
            lambda: engine_pid(var) not in (None, first) and engine_pid(var),
            20,
        )
        wait_for("the restarted engine healthy", lambda: engine_ok(callbox_env), 20, 0.5)
        assert time.monotonic() - started < 25
        assert new_pid != first
        children = read_state(var)["children"]  # type: ignore[index]
        assert children["engine"]["restarts"] == 1
    finally:
        status = stop(process)
    output = log.read_text(errors="replace")
    assert status == 0, output[-3000:]
    for name, child in children.items():
        assert group_members(child["pid"]) == [], f"{name} left processes behind"
    assert read_state(var) is None
    assert "engine was killed by SIGKILL; restarting in" in output
    banner = output[output.index("callbox is ready") :]
    demo = json.loads((var / "demo.json").read_text())
    assert demo["admin"]["password"] in banner
    assert f"127.0.0.1:{callbox_env['CALLBOX_SIP__PORT']}" in banner
    assert f"sip:100@127.0.0.1:{callbox_env['CALLBOX_ENGINE__TRUNK_PORT']}" in banner


@pytest.mark.parametrize("proto", ["tcp", "udp"])
def test_port_in_use_is_one_clear_line(callbox_env: dict[str, str], proto: str) -> None:
    """Refuse to start, exit 2, naming the port, its holder and the setting to change."""
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    setting = "web.port" if proto == "tcp" else "sip.port"
    port = int(callbox_env["CALLBOX_WEB__PORT" if proto == "tcp" else "CALLBOX_SIP__PORT"])
    with socket.socket(socket.AF_INET, kind) as holder:
        holder.bind(("127.0.0.1", port))
        if proto == "tcp":
            holder.listen()
        result = subprocess.run(
            [sys.executable, "-m", "appliance.cli", "run"],
            cwd=REPO_ROOT,
            env=callbox_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    expected = f"port {port}/{proto} is in use by pid {os.getpid()} "
    assert expected in lines[0] and f"stop it or set {setting}" in lines[0]
    assert not Path(callbox_env["CALLBOX_PATHS__VAR"]).exists()  # nothing was created
