"""The gsm driver's health and recovery: signal, SIM, registration, bad and missing answers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from board_support import gsm_config, next_event
from modem_sim import E1752, SIM800, Dialect, ModemSimulator

from appliance.boards.const import BoardState, EventKind
from appliance.boards.drivers.gsm import GsmBoard
from appliance.boards.exceptions import DeviceTimeout
from appliance.boards.gsm.port import GsmPort
from appliance.boards.registry import Registry

pytestmark = pytest.mark.timeout(30)


def test_signal_and_registration(modem: ModemSimulator, port: GsmPort) -> None:
    """AT+CSQ and AT+CREG? are read into health; a changed RSSI is a signal event."""
    health = port.refresh_health()
    assert health.ok and health.details["rssi"] == 20 and health.details["dbm"] == -73
    assert health.details["registration"] == 1 and health.details["sim"] == "ready"
    assert next_event(port.events, EventKind.SIGNAL).data == {"rssi": 20, "dbm": -73}
    modem.state.rssi, modem.state.creg = 99, 2
    health = port.refresh_health()
    assert not health.ok and health.problems == ("no_signal", "not_registered")
    assert next_event(port.events, EventKind.SIGNAL).data == {"rssi": 99, "dbm": None}


def test_sim_missing(modem: ModemSimulator, port: GsmPort) -> None:
    """+CME ERROR: 10 to AT+CPIN? is reported as sim_missing."""
    modem.state.sim = "missing"
    health = port.refresh_health()
    assert "sim_missing" in health.problems and health.details["sim"] == "missing"


def test_malformed_and_truncated_answers_are_reported(modem: ModemSimulator, port: GsmPort) -> None:
    """A garbled +CSQ, a truncated one and line noise are reported; the next query works."""
    modem.state.overrides["AT+CSQ"] = ["+CSQ: abc,99", "OK"]
    health = port.refresh_health()
    assert health.problems == ("bad_response",) and "abc" in health.details["bad_response"]
    modem.state.overrides["AT+CSQ"] = ["+CSQ: 2", "OK"]  # cut after the first field
    assert port.refresh_health().problems == ("bad_response",)
    modem.raw(b"\xff\xfe\x00garbage\r\n+CLIP: \r\n")  # noise and an empty +CLIP
    assert port.refresh_health().ok


def test_answer_cut_off_before_its_final_result(modem: ModemSimulator, port: GsmPort) -> None:
    """An answer that never ends (no OK) times out within the command timeout, then recovers."""
    modem.state.overrides["AT+CPIN?"] = ["+CPIN: REA"]
    started = time.monotonic()
    health = port.refresh_health()
    assert time.monotonic() - started < 2.0
    assert health.problems == ("not_answering",)
    assert port.refresh_health().ok


def test_module_that_stops_answering(modem: ModemSimulator, port: GsmPort) -> None:
    """Every call is bounded by its timeout; health says so; the module is set up again after."""
    modem.state.muted = True
    started = time.monotonic()
    with pytest.raises(DeviceTimeout, match=r"no answer in 0\.5 s"):
        port.dial("10086")
    health = port.refresh_health()
    assert time.monotonic() - started < 3.0
    assert not health.ok and health.problems == ("not_answering",)
    modem.state.muted = False
    modem.state.echo = True  # as after a reboot
    received = len(modem.state.received)
    assert port.refresh_health().ok
    assert "ATE0" in modem.state.received[received:]  # set up again
    assert modem.state.echo is False


def test_silent_module_is_a_failed_board_not_a_crash(tmp_path: Path) -> None:
    """The registry reports a module that never answers AT as failed, in bounded time."""
    sim = ModemSimulator(SIM800)
    sim.state.muted = True
    try:
        started = time.monotonic()
        registry = Registry({"gsm": GsmBoard})
        raw = {"name": "mobile", "type": "gsm", **gsm_config(sim, tmp_path)}
        [status] = registry.load([raw])
        assert time.monotonic() - started < 5.0
        assert status.state is BoardState.FAILED and "does not answer AT" in status.detail
        assert registry.boards == {}
    finally:
        sim.close()


def test_unknown_module_needs_a_vendor(tmp_path: Path) -> None:
    """A module whose AT+CGMM names no known maker fails with what to set."""
    sim = ModemSimulator(Dialect("ACME-1", "r1", "+CLCC: "))
    try:
        registry = Registry({"gsm": GsmBoard})
        raw = {"name": "mobile", "type": "gsm", **gsm_config(sim, tmp_path)}
        [status] = registry.load([raw])
        assert status.state is BoardState.FAILED
        assert "unknown module 'ACME-1'; set vendor" in status.detail
        raw["vendor"] = "simcom"
        [status] = Registry({"gsm": GsmBoard}).load([{**raw, "name": "mobile2"}])
        assert status.state is BoardState.READY
    finally:
        sim.close()


def test_unplugged_module_is_an_alarm(modem: ModemSimulator, tmp_path: Path) -> None:
    """Closing the pty under the driver ends the call and raises a device_lost alarm."""
    board = GsmBoard("mobile", gsm_config(modem, tmp_path))
    board.open()
    port = board.ports[0]
    assert isinstance(port, GsmPort)
    try:
        modem.incoming_call("13800138000")
        next_event(port.events, EventKind.RING)
        modem.close()
        alarm = next_event(port.events, EventKind.ALARM, timeout=3)
        assert alarm.data == {"alarm": "device_lost", "on": True}
        assert port.health().problems == ("device_lost",)
    finally:
        board.close()
        modem.close = lambda: None  # type: ignore[method-assign]


def test_huawei_reports_signal_by_itself(tmp_path: Path) -> None:
    """A Huawei modem's ^RSSI lines are signal events, and ^CONN / ^CEND a call's ends."""
    sim = ModemSimulator(E1752)
    board = GsmBoard("dongle", gsm_config(sim, tmp_path))
    try:
        board.open()
        port = board.ports[0]
        assert isinstance(port, GsmPort) and port.vendor.name == "huawei"
        next_event(port.events, EventKind.SIGNAL)
        sim.say("^RSSI:7")
        assert next_event(port.events, EventKind.SIGNAL).data == {"rssi": 7, "dbm": -99}
        sim.say("^RSSI:x")  # garbled: noted, the port goes on
        port.dial("10086")  # its OK is read after the garbled line
        assert "bad_response" in port.health().problems
        sim.say("^CONN:1,0")
        assert next_event(port.events, EventKind.ANSWERED)
        sim.say("^CEND:1,0,104,16")
        assert next_event(port.events, EventKind.HANGUP).data == {"cause": "normal"}
    finally:
        board.close()
        sim.close()
