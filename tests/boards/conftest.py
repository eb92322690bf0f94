"""Fixtures for the board tests: a simulated GSM module on a pty, and a gsm port on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from board_support import gsm_config
from modem_sim import E1752, EC25, SIM800, SIM7600, ModemSimulator

from appliance.boards.drivers.gsm import GsmBoard
from appliance.boards.gsm.port import GsmPort

DIALECTS = {"sim800": SIM800, "sim7600": SIM7600, "ec25": EC25, "e1752": E1752}


@pytest.fixture(params=sorted(DIALECTS))
def modem(request: pytest.FixtureRequest) -> Iterator[ModemSimulator]:
    """Yield a simulated module of each dialect in turn."""
    sim = ModemSimulator(DIALECTS[request.param])
    yield sim
    sim.close()


@pytest.fixture
def board(modem: ModemSimulator, tmp_path: Path) -> Iterator[GsmBoard]:
    """Yield an opened gsm board on the simulated module."""
    gsm = GsmBoard("mobile", gsm_config(modem, tmp_path))
    gsm.open()
    yield gsm
    gsm.close()


@pytest.fixture
def port(board: GsmBoard) -> GsmPort:
    """Return the board's one port."""
    line = board.ports[0]
    assert isinstance(line, GsmPort)
    return line
