"""A hold file stops named services and keeps them down until released or lapsed."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import psutil
import pytest
from supervisor_helpers import read_state, wait_for

from appliance.config import Settings, load
from appliance.supervisor import hold
from appliance.supervisor.manager import Supervisor
from appliance.supervisor.output import OutputSink
from appliance.supervisor.services import ServiceSpec, python_argv

SLEEPER = "import time\nwhile True: time.sleep(1)"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings with a fast stop and a temporary state folder."""
    env = {"CALLBOX_PATHS__VAR": str(tmp_path / "var"),
           "CALLBOX_SUPERVISOR__STOP_TIMEOUT_SECONDS": "2"}  # fmt: skip
    return load(tmp_path / "absent.yml", env=env)


def child(var: Path, name: str) -> dict[str, object]:
    """Return a child's entry of supervisor.json ({} while unknown)."""
    return dict((read_state(var) or {}).get("children", {}).get(name, {}))


def test_held_services_stop_and_come_back_when_released_or_lapsed(settings: Settings) -> None:
    specs = [ServiceSpec("engine", python_argv("-c", SLEEPER)),
             ServiceSpec("web", python_argv("-c", SLEEPER))]  # fmt: skip
    out = io.StringIO()
    supervisor = Supervisor(settings, OutputSink(out))
    thread = threading.Thread(target=supervisor.run, args=(specs, False))
    thread.start()
    var, run = Path(settings.paths.var), settings.run_dir
    try:
        first = wait_for("engine started", lambda: child(var, "engine").get("pid"), 10)
        web = child(var, "web")["pid"]
        hold.hold(run, ["engine"], "restore", 60)
        wait_for("engine held", lambda: child(var, "engine").get("state") == "stopped", 10)
        assert child(var, "engine")["pid"] is None and not psutil.pid_exists(first)
        assert child(var, "web")["pid"] == web  # not held: untouched
        hold.release(run)
        second = wait_for("engine back", lambda: child(var, "engine").get("pid"), 10)
        assert second != first and child(var, "engine")["state"] == "running"
        hold.hold(run, ["engine"], "restore", 1.0)  # a holder that dies: the hold lapses
        wait_for("engine held again", lambda: child(var, "engine").get("state") == "stopped", 10)
        wait_for("engine back after the lapse", lambda: child(var, "engine").get("pid"), 10)
        assert hold.held(run) == set()
    finally:
        supervisor.stop()
        thread.join(timeout=15)
    assert "engine held stopped (hold.json)" in out.getvalue()
    assert "engine released: starting it again" in out.getvalue()
