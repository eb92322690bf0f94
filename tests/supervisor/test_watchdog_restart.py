"""The watchdog restarts a hung child via the real supervisor: it kills, `callbox run` starts."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from supervisor_helpers import read_state, wait_for

from appliance.config import load
from appliance.health.restart import RESTARTED, Restarter
from appliance.supervisor.manager import Supervisor
from appliance.supervisor.output import OutputSink
from appliance.supervisor.services import ServiceSpec, python_argv

HUNG = (
    "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True: time.sleep(1)"
)


def engine_pid(var: Path) -> int | None:
    """Return the engine child's pid in supervisor.json, if it is running."""
    child = (read_state(var) or {}).get("children", {}).get("engine", {})
    return child.get("pid") if child.get("state") == "running" else None


def test_the_watchdog_kills_a_hung_child_and_the_supervisor_starts_it_again(
    tmp_path: Path,
) -> None:
    env = {"CALLBOX_PATHS__VAR": str(tmp_path / "var"),
           "CALLBOX_SUPERVISOR__RESTART_DELAY_SECONDS": "0.1",
           "CALLBOX_SUPERVISOR__STOP_TIMEOUT_SECONDS": "2",
           "CALLBOX_WATCHDOG__RESTART_METHOD": "supervisor",
           "CALLBOX_WATCHDOG__RESTART_GRACE_SECONDS": "0"}  # fmt: skip
    settings = load(tmp_path / "absent.yml", env=env)
    supervisor = Supervisor(settings, OutputSink(io.StringIO()))
    thread = threading.Thread(
        target=supervisor.run, args=([ServiceSpec("engine", python_argv("-c", HUNG))], False)
    )
    thread.start()
    var = Path(settings.paths.var)
    try:
        first = wait_for("the engine child", lambda: engine_pid(var), 10)
        assert Restarter(settings).restart("engine") == RESTARTED
        second = wait_for("a new engine pid", lambda: engine_pid(var) not in (None, first)
                          and engine_pid(var), 10)  # fmt: skip
        assert second != first
        assert read_state(var)["children"]["engine"]["restarts"] == 1  # type: ignore[index]
    finally:
        supervisor.stop()
        thread.join(timeout=15)
    assert not thread.is_alive()
