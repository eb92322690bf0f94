"""The condition checks: disk, memory, CPU, trunks, stuck agents and calls without events.

Thresholds are settings, so each check is driven both ways on this machine's real
numbers; the engine's side is a real ControlServer answering what the engine would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.config import Settings, load
from appliance.engine.control import CommandError, ControlServer
from appliance.health import check_results
from appliance.store.manager import open_store
from appliance.store.models import CallEvent


def make_settings(tmp_path: Path, **watchdog: str) -> Settings:
    """Return settings on a temporary state folder with the watchdog settings given."""
    env = {"CALLBOX_PATHS__VAR": str(tmp_path / "var")}
    env.update({f"CALLBOX_WATCHDOG__{k.upper()}": v for k, v in watchdog.items()})
    return load(tmp_path / "absent.yml", env=env)


@pytest.fixture
def engine_answers(tmp_path: Path) -> Iterator[Callable[[dict[str, Any]], None]]:
    """Serve the engine's control socket; the test sets what each command answers."""
    answers: dict[str, Any] = {}

    def dispatch(cmd: str, args: dict[str, Any]) -> Any:
        if cmd not in answers:
            raise CommandError("unknown-command", cmd)
        return answers[cmd]

    server = ControlServer(make_settings(tmp_path).engine.control_socket, dispatch)
    server.start()
    yield answers.update
    server.stop()


def test_disk_passes_with_room_and_names_each_folder_short_of_it(tmp_path: Path) -> None:
    roomy = check_results(make_settings(tmp_path, disk_min_free_mb="0", disk_min_free_percent="0"),
                          only=("disk",))["disk"]  # fmt: skip
    assert roomy.ok and "recordings" in roomy.detail and "var" in roomy.detail
    full = make_settings(tmp_path, disk_min_free_mb=str(10**12))
    result = check_results(full, only=("disk",))["disk"]
    assert not result.ok
    assert [f.key for f in result.findings] == ["disk.recordings", "disk.var"]
    finding = result.findings[0]
    assert finding.kind == "disk_low" and finding.params["path"] == full.paths.recordings
    assert isinstance(finding.params["free_mb"], int) and finding.params["free_mb"] >= 0


def test_memory_limit(tmp_path: Path) -> None:
    assert check_results(make_settings(tmp_path, memory_max_percent="100"), only=("memory",))[
        "memory"
    ].ok
    low = check_results(make_settings(tmp_path, memory_max_percent="0.001"), only=("memory",))
    (finding,) = low["memory"].findings
    assert (finding.key, finding.kind) == ("system.memory", "memory_high")
    assert 0 < finding.params["used_percent"] <= 100


def test_cpu_sustained_load_limit(tmp_path: Path) -> None:
    assert check_results(make_settings(tmp_path, cpu_max_load_per_core="1000"), only=("cpu",))[
        "cpu"
    ].ok
    overloaded = check_results(make_settings(tmp_path, cpu_max_load_per_core="-1"), only=("cpu",))
    (finding,) = overloaded["cpu"].findings
    assert (finding.key, finding.kind) == ("system.cpu", "cpu_overloaded")
    assert "5-minute load" in finding.detail


def _trunk(name: str, registration: dict[str, Any] | None) -> dict[str, Any]:
    """Return one trunk as the engine's `trunks` command lists it."""
    kind = "register" if registration else "peer"
    return {"name": name, "kind": kind, "host": "127.0.0.1", "port": 5060, "max_channels": 0,
            "in": 0, "out": 0, "registration": registration}  # fmt: skip


def test_trunk_registration_lost(tmp_path: Path, engine_answers: Callable[..., None]) -> None:
    registered = {"state": "registered", "code": 200, "reason": "OK", "expires": 300}
    failing = {"state": "failing", "code": 403, "reason": "Forbidden", "expires": 0}
    engine_answers({"trunks": {"trunks": [_trunk("peer", None), _trunk("ok", registered),
                                          _trunk("carrier", failing)]}})  # fmt: skip
    result = check_results(make_settings(tmp_path), only=("trunks",))["trunks"]
    assert not result.ok
    (finding,) = result.findings
    assert finding.key == "trunk.carrier" and finding.kind == "trunk_unregistered"
    assert finding.params == {"trunk": "carrier", "state": "failing", "code": 403}
    engine_answers({"trunks": {"trunks": [_trunk("peer", None), _trunk("ok", registered)]}})
    assert check_results(make_settings(tmp_path), only=("trunks",))["trunks"].ok


def test_an_ip_peer_that_stopped_answering_options(
    tmp_path: Path, engine_answers: Callable[..., None]
) -> None:
    silent = {**_trunk("peer-b", None), "reachability": {"state": "unreachable", "code": 200}}
    unknown = {**_trunk("peer-c", None), "reachability": {"state": "unknown", "code": 0}}
    engine_answers({"trunks": {"trunks": [_trunk("peer-a", None), silent, unknown]}})
    result = check_results(make_settings(tmp_path), only=("trunks",))["trunks"]
    (finding,) = result.findings  # a peer that never answered is not called down
    assert (finding.key, finding.kind) == ("trunk.peer-b", "trunk_unreachable")
    assert finding.params == {"trunk": "peer-b", "host": "127.0.0.1", "port": 5060}


def _busy(ext: str, state: str, call_id: str, live: bool, leg: bool) -> dict[str, Any]:
    """Return an agent as `health.live` lists it."""
    return {"extension": ext, "state": state, "call_id": call_id, "call_live": live,
            "has_leg": leg}  # fmt: skip


def test_agents_stuck_without_a_call_or_leg(
    tmp_path: Path, engine_answers: Callable[..., None]
) -> None:
    agents = [_busy("1001", "on_call", "c1", True, True), _busy("1002", "on_call", "gone", False,
              False), _busy("1003", "ringing", "c3", True, False)]  # fmt: skip
    engine_answers({"health.live": {"agents": agents, "calls": [], "ring_limit": 20}})
    result = check_results(make_settings(tmp_path), only=("agents",))["agents"]
    assert not result.ok
    found = {f.key: f for f in result.findings}
    assert set(found) == {"agent.1002", "agent.1003"}
    assert found["agent.1002"].params["why"] == "no_call"
    assert found["agent.1003"].params["why"] == "no_leg"
    assert found["agent.1002"].repair == (
        "health.free_agent",
        {"extension": "1002", "call_id": "gone"},
    )


def test_an_agent_ringing_past_every_ring_timeout_is_stuck(
    tmp_path: Path, engine_answers: Callable[..., None]
) -> None:
    settings = make_settings(tmp_path, ring_grace_seconds="0.3")
    live = {"agents": [_busy("1004", "ringing", "c4", True, True)], "calls": [], "ring_limit": 0}
    engine_answers({"health.live": live})
    assert check_results(settings, only=("agents",))["agents"].ok  # first seen ringing now
    time.sleep(0.5)
    (finding,) = check_results(settings, only=("agents",))["agents"].findings
    assert finding.params["why"] == "ringing_too_long"
    live["agents"] = [_busy("1004", "ringing", "c5", True, True)]  # a new call: a new ring
    assert check_results(settings, only=("agents",))["agents"].ok


def test_live_calls_without_events_or_already_ended(
    tmp_path: Path, engine_answers: Callable[..., None]
) -> None:
    settings = make_settings(tmp_path, call_quiet_seconds="5")
    database = open_store(settings)
    now = time.time()
    for call_id, kind in (("talking", "call.started"), ("ended", "call.started"),
                          ("ended", "call.ended"), ("young", "call.started")):  # fmt: skip
        CallEvent.create(call_id=call_id, at=now, kind=kind)
    database.close()
    calls = [{"call_id": c, "started_at": now - 60, "legs": 2}
             for c in ("talking", "ended", "lost")]  # fmt: skip
    calls.append({"call_id": "new", "started_at": now, "legs": 1})  # within the grace period
    engine_answers({"health.live": {"agents": [], "calls": calls, "ring_limit": 20}})
    result = check_results(settings, only=("calls",))["calls"]
    found = {f.key: f.params["why"] for f in result.findings}
    assert found == {"call.ended": "already_ended", "call.lost": "no_events"}
    assert result.findings[0].repair == ("health.close_call", {"call_id": "ended"})
