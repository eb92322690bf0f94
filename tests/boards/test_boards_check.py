"""The `boards` health check reads the registry's status file: one finding per trouble."""

from __future__ import annotations

from pathlib import Path

import pytest
from board_support import gsm_config
from modem_sim import EC25, ModemSimulator

from appliance.boards.drivers.gsm import GsmBoard
from appliance.boards.registry import Registry, write_status
from appliance.config import Settings, load
from appliance.health import check_results

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings on a temporary state folder."""
    return load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})


def test_no_boards_is_healthy(settings: Settings) -> None:
    """A box that started no boards passes."""
    result = check_results(settings, only=("boards",))["boards"]
    assert result.ok and result.detail == "no line boards started"


def test_a_board_not_started_and_a_port_without_sim(settings: Settings, tmp_path: Path) -> None:
    """An absent board and a SIM-less module are one finding each, keyed board.<name>."""
    sim = ModemSimulator(EC25)
    sim.state.sim = "missing"
    registry = Registry({"gsm": GsmBoard})
    try:
        statuses = registry.load(
            [
                {"name": "mobile", "type": "gsm", **gsm_config(sim, tmp_path)},
                {"name": "spare", "type": "gsm", "device": "/dev/ttyUSB-absent"},
            ]
        )
        write_status(settings.run_dir, statuses)
    finally:
        registry.close()
        sim.close()
    result = check_results(settings, only=("boards",))["boards"]
    assert not result.ok
    found = {f.key: (f.kind, f.params) for f in result.findings}
    assert found == {
        "board.mobile/1": ("board_port_down", {"port": "mobile/1", "problems": ["sim_missing"]}),
        "board.spare": ("board_not_started", {"board": "spare", "state": "unavailable"}),
    }
    assert "no serial port at /dev/ttyUSB-absent" in result.detail


def test_refresh_polls_the_module_and_the_check_follows(settings: Settings, tmp_path: Path) -> None:
    """Registry.refresh asks the module again: a SIM put back clears the finding."""
    sim = ModemSimulator(EC25)
    sim.state.sim = "missing"
    registry = Registry({"gsm": GsmBoard})
    try:
        statuses = registry.load([{"name": "mobile", "type": "gsm", **gsm_config(sim, tmp_path)}])
        write_status(settings.run_dir, statuses)
        assert not check_results(settings, only=("boards",))["boards"].ok
        sim.state.sim = "READY"
        write_status(settings.run_dir, registry.refresh())
        result = check_results(settings, only=("boards",))["boards"]
        assert result.ok and result.detail == "1 board(s), 1 port(s), all ready"
    finally:
        registry.close()
        sim.close()


def test_an_unreadable_status_file_fails(settings: Settings) -> None:
    """A truncated status file is reported, not taken as healthy."""
    settings.run_dir.mkdir(parents=True)
    (settings.run_dir / "boards.json").write_text('{"boards": [')
    result = check_results(settings, only=("boards",))["boards"]
    assert not result.ok and "unreadable" in result.detail
