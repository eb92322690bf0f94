"""The supervisor loop with stand-in services: pids recorded, restarts, clean stop."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import psutil
import pytest
from supervisor_helpers import read_state, wait_for

from appliance.config import Settings, load
from appliance.supervisor.manager import Supervisor
from appliance.supervisor.output import OutputSink
from appliance.supervisor.services import ServiceSpec, python_argv


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings with a fast restart policy and a temporary state folder."""
    env = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_SUPERVISOR__RESTART_DELAY_SECONDS": "0.1",
        "CALLBOX_SUPERVISOR__STOP_TIMEOUT_SECONDS": "2",
    }
    return load(tmp_path / "absent.yml", env=env)


SLEEPER = "import time\nwhile True: time.sleep(1)"
STUBBORN = (
    "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True: time.sleep(1)"
)


def test_restart_and_clean_stop(settings: Settings) -> None:
    """Record pids, restart a killed child with a new pid, and stop everything."""
    specs = [
        ServiceSpec("alpha", python_argv("-c", SLEEPER)),
        ServiceSpec("stubborn", python_argv("-c", STUBBORN)),
    ]
    out = io.StringIO()
    supervisor = Supervisor(settings, OutputSink(out))
    thread = threading.Thread(target=supervisor.run, args=(specs, False))
    thread.start()
    var = Path(settings.paths.var)
    try:
        state = wait_for("supervisor.json", lambda: read_state(var), 10)
        first = state["children"]["alpha"]["pid"]
        stubborn = state["children"]["stubborn"]["pid"]
        psutil.Process(first).kill()
        restarted = wait_for(
            "a new alpha pid",
            lambda: (
                (read_state(var) or {}).get("children", {}).get("alpha", {}).get("pid")
                not in (None, first)
            ),
            10,
        )
        assert restarted
        second = read_state(var)["children"]["alpha"]  # type: ignore[index]
        assert second["restarts"] == 1 and second["state"] == "running"
    finally:
        supervisor.stop()
        thread.join(timeout=15)
    assert not thread.is_alive()
    for pid in (second["pid"], stubborn):
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert read_state(var) is None  # removed on a clean stop
    assert "stubborn did not stop in time: killing it" in out.getvalue()
