"""The watchdog's policies: restarts (budget, back-off), repairs, alerts raised and cleared."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from peewee import Database

from appliance.config import Settings, load
from appliance.engine.control import CommandError, ControlServer
from appliance.health import alerts
from appliance.health.actions import Actions
from appliance.health.checks import discover
from appliance.health.restart import EXHAUSTED, RESTARTED, WAITING, Restarter
from appliance.health.result import CheckResult, Finding
from appliance.store.manager import open_store
from appliance.supervisor.statefile import write_json_atomic

ENGINE_DOWN = CheckResult.failed("engine not reachable")
ENGINE_UP = CheckResult.passed("answers ping")


def make_settings(tmp_path: Path, **watchdog: str) -> Settings:
    """Return settings on a temporary folder with the watchdog settings given (no grace)."""
    env = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_WATCHDOG__RESTART_GRACE_SECONDS": "0",
    }
    env.update({f"CALLBOX_WATCHDOG__{k.upper()}": v for k, v in watchdog.items()})
    return load(tmp_path / "absent.yml", env=env)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """Return the store on the temporary folder."""
    db = open_store(make_settings(tmp_path))
    yield db
    db.close()


@pytest.fixture
def child(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Start a process group as `callbox run` starts a service, listed in supervisor.json."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                            process_group=0)  # fmt: skip
    run = Path(make_settings(tmp_path).paths.run)
    write_json_atomic(run / "supervisor.json", {"children": {"engine": {"pid": proc.pid}}})
    yield proc
    proc.kill()
    proc.wait()


class Clock:
    """A clock the test moves (the back-off is minutes long on a box)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_service_is_restarted_after_n_failures_then_the_alert_clears(
    tmp_path: Path, database: Database, child: subprocess.Popen[bytes]
) -> None:
    settings = make_settings(tmp_path, failures_before_action="3", restart_method="supervisor")
    actions = Actions(settings, database)
    for _ in range(2):
        actions.apply(discover(), {"engine": ENGINE_DOWN})
    assert child.poll() is None and alerts.active() == []  # not yet: two rounds only
    actions.apply(discover(), {"engine": ENGINE_DOWN})
    assert child.wait(5) == -9  # its process group was killed: the supervisor restarts it
    (alert,) = alerts.active()
    assert (alert.key, alert.kind, alert.severity) == ("service.engine", "service_down", "critical")
    assert alert.params == {"service": "engine"} and alert.detail == "engine not reachable"
    assert actions.apply(discover(), {"engine": ENGINE_UP}) == ["service.engine"]
    assert alerts.active() == []


def test_restart_budget_back_off_and_critical_alert_when_used_up(
    tmp_path: Path, database: Database, child: subprocess.Popen[bytes]
) -> None:
    settings = make_settings(tmp_path, restart_budget="2", restart_backoff_seconds="10",
                             restart_window_seconds="600", restart_method="supervisor")  # fmt: skip
    clock = Clock()
    restarter = Restarter(settings, clock)
    assert restarter.restart("engine") == RESTARTED
    clock.now += 9
    assert restarter.restart("engine") == WAITING  # within 10 s of the first
    clock.now += 2
    assert restarter.restart("engine") != WAITING  # pid gone: failed, but counted
    clock.now += 25
    assert restarter.restart("engine") == EXHAUSTED  # two in the window
    assert restarter.backoff(1) == 10 and restarter.backoff(2) == 20
    clock.now += 600
    assert restarter.restart("engine") != EXHAUSTED  # the window moved on
    actions = Actions(make_settings(tmp_path, failures_before_action="1", restart_budget="0"),
                      database)  # fmt: skip
    actions.apply(discover(), {"engine": ENGINE_DOWN})
    (alert,) = alerts.active()
    assert (alert.kind, alert.severity, alert.params["budget"]) == (
        "restart_budget_used",
        "critical",
        0,
    )


def test_nothing_is_restarted_while_it_or_the_watchdog_is_starting(
    tmp_path: Path, child: subprocess.Popen[bytes]
) -> None:
    settings = make_settings(tmp_path, restart_grace_seconds="60", restart_method="supervisor")
    clock = Clock()
    restarter = Restarter(settings, clock)
    clock.now += 30
    assert restarter.restart("engine") == WAITING  # the watchdog itself just started
    clock.now += 31
    run = Path(settings.paths.run)
    engine = {"pid": child.pid, "started_at": time.time() - 5}
    write_json_atomic(run / "supervisor.json", {"children": {"engine": engine}})
    assert restarter.restart("engine") == WAITING  # the engine started 5 s ago
    assert child.poll() is None
    engine = {"pid": child.pid, "started_at": time.time() - 90}
    write_json_atomic(run / "supervisor.json", {"children": {"engine": engine}})
    assert restarter.restart("engine") == RESTARTED
    assert child.wait(5) == -9


def test_a_service_down_while_the_box_starts_raises_no_alert(
    tmp_path: Path, database: Database, child: subprocess.Popen[bytes]
) -> None:
    settings = make_settings(tmp_path, failures_before_action="1", restart_grace_seconds="60")
    actions = Actions(settings, database)
    for _ in range(3):
        actions.apply(discover(), {"engine": ENGINE_DOWN})
    assert alerts.active() == [] and child.poll() is None


def test_under_systemd_the_unit_is_restarted(tmp_path: Path) -> None:
    calls = tmp_path / "systemctl.calls"
    systemctl = tmp_path / "systemctl"
    systemctl.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    systemctl.chmod(systemctl.stat().st_mode | stat.S_IEXEC)
    settings = make_settings(tmp_path, systemctl=str(systemctl))
    restarter = Restarter(settings)
    os.environ["INVOCATION_ID"] = "0123abcd"  # what systemd sets for its services
    try:
        assert restarter.method == "systemd"
        assert restarter.restart("web") == RESTARTED
    finally:
        del os.environ["INVOCATION_ID"]
    assert calls.read_text() == "restart callbox-web\n"
    assert Restarter(settings).method == "supervisor"


def test_a_failing_systemctl_is_reported_not_raised(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, systemctl="false", restart_method="systemd")
    assert Restarter(settings).restart("web") == "failed"


def test_findings_are_repaired_by_the_engine_and_cleared_when_gone(
    tmp_path: Path, database: Database
) -> None:
    asked: list[tuple[str, dict[str, Any]]] = []

    def dispatch(cmd: str, args: dict[str, Any]) -> Any:
        asked.append((cmd, args))
        if args.get("extension") == "1009":
            raise CommandError("not-stuck", "agent 1009 is ready")
        return {"extension": args.get("extension"), "was": "on_call", "state": "ready"}

    settings = make_settings(tmp_path, failures_before_action="2")
    server = ControlServer(settings.engine.control_socket, dispatch)
    server.start()
    try:
        stuck = [Finding(f"agent.{e}", "agent_stuck", {"extension": e}, f"agent {e} stuck",
                         repair=("health.free_agent", {"extension": e, "call_id": "c"}))
                 for e in ("1001", "1009")]  # fmt: skip
        actions = Actions(settings, database)
        result = CheckResult.failed("stuck", tuple(stuck))
        actions.apply(discover(), {"agents": result})
        assert asked == []  # one round is not enough: the engine may be mid-change
        actions.apply(discover(), {"agents": result})
    finally:
        server.stop()
    assert [a for _, a in asked] == [{"extension": "1001", "call_id": "c"},
                                     {"extension": "1009", "call_id": "c"}]  # fmt: skip
    assert {a.key for a in alerts.active()} == {"agent.1001", "agent.1009"}
    cleared = actions.apply(discover(), {"agents": CheckResult.passed("none stuck")})
    assert sorted(cleared) == ["agent.1001", "agent.1009"]


def test_repairs_are_off_when_the_setting_says_so(tmp_path: Path, database: Database) -> None:
    settings = make_settings(tmp_path, failures_before_action="1", repair="false")
    asked: list[str] = []
    actions = Actions(settings, database, engine_call=lambda cmd, **a: asked.append(cmd))
    finding = Finding(
        "call.x", "call_stuck", {}, "", repair=("health.close_call", {"call_id": "x"})
    )
    actions.apply(discover(), {"calls": CheckResult.failed("x", (finding,))})
    assert asked == [] and [a.key for a in alerts.active()] == ["call.x"]


def test_only_the_checks_that_ran_clear_their_own_alerts(
    tmp_path: Path, database: Database
) -> None:
    alerts.raise_alert(database, "backup.verify", "backup_verify_failed")  # another process's
    alerts.raise_alert(database, "trunk.carrier", "trunk_unregistered")
    actions = Actions(make_settings(tmp_path), database)
    assert actions.apply(discover(), {"disk": CheckResult.passed("room")}) == []
    assert actions.apply(discover(), {"trunks": CheckResult.passed("ok")}) == ["trunk.carrier"]
    assert [a.key for a in alerts.active()] == ["backup.verify"]


def test_a_bad_restart_method_is_refused_with_the_key(tmp_path: Path) -> None:
    from appliance.config import ConfigError

    with pytest.raises(ConfigError, match=r"watchdog\.restart_method"):
        make_settings(tmp_path, restart_method="reboot")
