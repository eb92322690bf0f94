"""The watchdog and scheduler processes, run for real, and the watchdog's round."""

from __future__ import annotations

import json
import logging
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from appliance.config import Settings, load
from appliance.health.checks import discover
from appliance.health.processes import ProcessSampler
from appliance.health.watchdog import Watchdog
from appliance.supervisor.statefile import write_json_atomic

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Return an environment pointing callbox at a temporary state folder."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
    return {
        **clean,
        "CALLBOX_CONFIG": str(tmp_path / "absent.yml"),
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_WEB__PORT": "9",
        "CALLBOX_SIP__PORT": "9",
    }


def settings_from(env: dict[str, str]) -> Settings:
    """Return the settings a child started with env would load."""
    return load(env=env)


def wait_for_file(path: Path, timeout: float = 15) -> None:
    """Wait until path exists."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def start(module: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `python -m module` with env."""
    return subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM process; return its exit status and output."""
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=10)
    return process.returncode, output


def test_scheduler_beats_and_stops_cleanly(env: dict[str, str]) -> None:
    """Touch the heartbeat every 2 s and exit 0 on SIGTERM."""
    beat = Path(settings_from(env).paths.run) / "scheduler.heartbeat"
    process = start("appliance.jobs", env)
    try:
        wait_for_file(beat)
        first = beat.stat().st_mtime
        time.sleep(2.5)
        assert beat.stat().st_mtime > first
    finally:
        status, output = stop(process)
    assert status == 0, output
    assert "Traceback" not in output


def test_watchdog_process_writes_health_and_stops(env: dict[str, str]) -> None:
    """Write health.json and its heartbeat, log states, exit 0 on SIGTERM."""
    run = Path(settings_from(env).paths.run)
    process = start("appliance.health", env)
    try:
        wait_for_file(run / "health.json")
        wait_for_file(run / "watchdog.heartbeat")
    finally:
        status, output = stop(process)
    assert status == 0, output
    report = json.loads((run / "health.json").read_text())
    assert set(report["services"]) >= {
        "engine",
        "kamailio",
        "web",
        "scheduler",
        "store",
        "watchdog",
    }
    assert report["services"]["watchdog"]["ok"] is True
    assert "engine is UNHEALTHY" in output and "Traceback" not in output


def test_round_logs_only_changes(env: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    """Log every service on the first round, then only those whose state changed."""
    settings = settings_from(env)
    watchdog = Watchdog(settings)
    with caplog.at_level(logging.INFO, logger="callbox.watchdog"):
        watchdog.tick()
        first = len(caplog.records)
        caplog.clear()
        (Path(settings.paths.run) / "scheduler.heartbeat").touch()
        watchdog.tick()
    assert first == len(discover())  # every check, once
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["scheduler is healthy"]
    health = Path(settings.paths.run) / "health.json"
    assert stat.S_IMODE(health.stat().st_mode) == 0o600


def test_sampler_measures_children_from_supervisor_json(tmp_path: Path) -> None:
    """Report pid, CPU, RSS and process count of each child listed in supervisor.json."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        write_json_atomic(
            tmp_path / "supervisor.json",
            {"children": {"engine": {"pid": child.pid}, "web": {"pid": None}}},
        )
        sampler = ProcessSampler(tmp_path)
        sampler.sample()
        stats = sampler.sample()
    finally:
        child.kill()
        child.wait()
    assert set(stats) == {"engine"}
    assert stats["engine"]["pid"] == child.pid
    assert stats["engine"]["rss_bytes"] > 1_000_000
    assert stats["engine"]["processes"] == 1
    assert stats["engine"]["cpu_percent"] >= 0
    assert ProcessSampler(tmp_path / "nowhere").sample() == {}
