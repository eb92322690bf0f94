"""The board registry: drivers found, bad boards reported and skipped, status, board-added."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from board_support import gsm_config
from modem_sim import SIM7600, ModemSimulator

from appliance.boards.base import Board
from appliance.boards.const import BoardState
from appliance.boards.drivers.dahdi import DahdiBoard
from appliance.boards.drivers.gsm import GsmBoard
from appliance.boards.hotplug import KNOWN_FILE, start_boards
from appliance.boards.registry import Registry, _scan, discover
from appliance.config import Settings, load

pytestmark = pytest.mark.timeout(30)


class BrokenBoard(Board):
    """A driver whose device fails to open (a driver bug or a dead card)."""

    type_key: ClassVar[str] = "broken"
    closed: ClassVar[list[str]] = []

    def open(self) -> None:
        """Fail as a device would."""
        raise OSError(5, "Input/output error")

    def close(self) -> None:
        """Note the close."""
        self.closed.append(self.name)


def test_drivers_are_discovered_from_the_package() -> None:
    """Every module of appliance/boards/drivers/ with a Board subclass is found by its type."""
    found = discover()
    assert found["gsm"] is GsmBoard and found["dahdi"] is DahdiBoard


def test_a_driver_whose_library_is_missing_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyserial the gsm driver does not load: its boards are unavailable, dahdi runs."""
    for name in [m for m in sys.modules if m.startswith(("appliance.boards.gsm", "serial"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "appliance.boards.drivers.gsm")
    monkeypatch.setitem(sys.modules, "serial", None)  # "import serial" now fails
    _scan.cache_clear()
    try:
        registry = Registry()
        [status] = registry.load([{"name": "m", "type": "gsm", "device": "/dev/ttyUSB0"}])
        assert "dahdi" in registry.drivers and "gsm" not in registry.drivers
    finally:
        _scan.cache_clear()
    assert status.state is BoardState.UNAVAILABLE
    assert status.detail.startswith("the gsm driver cannot load: import of serial halted")


@pytest.mark.parametrize(
    ("raw", "state", "detail"),
    [
        (
            {"name": "x", "type": "isdn"},
            BoardState.INVALID,
            "unknown type 'isdn'; known: dahdi, gsm",
        ),
        ({"name": "x", "type": "gsm"}, BoardState.INVALID, "board x: device is required"),
        (
            {"name": "x", "type": "gsm", "device": "/dev/null", "baudrate": "fast"},
            BoardState.INVALID,
            "board x: baudrate must be int, got 'fast'",
        ),
        (
            {"name": "x", "type": "gsm", "device": "/dev/null", "vendr": "simcom"},
            BoardState.INVALID,
            "board x: unknown key(s) vendr",
        ),
        (
            {"name": "x", "type": "gsm", "device": "/dev/null", "vendor": "nokia"},
            BoardState.INVALID,
            "vendor must be one of auto, simcom, quectel, huawei, got 'nokia'",
        ),
        (
            {"name": "x", "type": "gsm", "device": "/dev/ttyUSB-absent"},
            BoardState.UNAVAILABLE,
            "no serial port at /dev/ttyUSB-absent",
        ),
        (
            {"name": "x", "type": "dahdi", "root": "/nonexistent-dahdi"},
            BoardState.UNAVAILABLE,
            "DAHDI is not loaded",
        ),
        ("gsm", BoardState.INVALID, "a board is a mapping"),
    ],
)
def test_a_bad_board_is_reported_and_skipped(raw: Any, state: BoardState, detail: str) -> None:
    """Each kind of trouble gets its state and a message naming the key; nothing raises."""
    registry = Registry()
    [status] = registry.load([raw])
    assert status.state is state
    assert detail in status.detail
    assert registry.boards == {}


def test_a_board_that_fails_to_open_is_closed_and_the_others_start(tmp_path: Path) -> None:
    """One board's failure does not stop the next one; the failed one is closed."""
    sim = ModemSimulator(SIM7600)
    try:
        registry = Registry({"broken": BrokenBoard, "gsm": GsmBoard})
        good = {"name": "mobile", "type": "gsm", **gsm_config(sim, tmp_path)}
        statuses = registry.load([{"name": "card", "type": "broken"}, good, good])
        assert [s.state for s in statuses] == [
            BoardState.FAILED,
            BoardState.READY,
            BoardState.INVALID,
        ]
        assert statuses[0].detail == "OSError: [Errno 5] Input/output error"
        assert BrokenBoard.closed == ["card"]
        assert "the name is used twice" in statuses[2].detail
        assert list(registry.boards) == ["mobile"]
        assert statuses[1].health[0].ok
        registry.close()
    finally:
        sim.close()


@pytest.fixture
def box(tmp_path: Path) -> Settings:
    """Return settings of a box with its own var and hook folders."""
    env = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_HOOKS__SHIPPED": str(tmp_path / "shipped"),
        "CALLBOX_HOOKS__LOCAL": str(tmp_path / "local"),
        "CALLBOX_HOOKS__TIMEOUT_SECONDS": "10",
    }
    return load(tmp_path / "absent.yml", env=env)


def test_start_writes_status_and_fires_board_added_once(box: Settings, tmp_path: Path) -> None:
    """A new ready board runs the board-added hooks with its name; a restart does not."""
    hook = tmp_path / "local" / "board-added.d" / "10-note"
    hook.parent.mkdir(parents=True)
    fired = tmp_path / "fired.txt"
    hook.write_text(f'#!/bin/sh\necho "$CALLBOX_HOOK_BOARD $CALLBOX_HOOK_BOARD_TYPE" >> {fired}\n')
    hook.chmod(0o755)
    sim = ModemSimulator(SIM7600)
    try:
        configs = [
            {"name": "mobile", "type": "gsm", **gsm_config(sim, tmp_path)},
            {"name": "absent", "type": "gsm", "device": "/dev/ttyUSB-absent"},
        ]
        start_boards(box, configs).close()
        assert fired.read_text() == "mobile gsm\n"
        status = json.loads((box.run_dir / "boards.json").read_text())
        assert [(b["name"], b["state"]) for b in status["boards"]] == [
            ("mobile", "ready"),
            ("absent", "unavailable"),
        ]
        assert status["boards"][0]["ports"][0]["details"]["vendor"] == "simcom"
        assert json.loads((box.var / KNOWN_FILE).read_text()) == ["mobile"]
        start_boards(box, configs).close()
        assert fired.read_text() == "mobile gsm\n"
    finally:
        sim.close()
