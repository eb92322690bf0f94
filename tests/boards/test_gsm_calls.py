"""The gsm driver against simulated SIMCom and Quectel modules on a real pty: calls and SMS."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from board_support import next_event, wait_for
from modem_sim import ModemSimulator

from appliance.boards.base import PortEvent
from appliance.boards.const import CallState, EventKind
from appliance.boards.exceptions import PortError
from appliance.boards.gsm.port import GsmPort

pytestmark = pytest.mark.timeout(30)


def test_open_identifies_the_module_and_sets_it_up(modem: ModemSimulator, port: GsmPort) -> None:
    """Echo goes off, the vendor comes from AT+CGMM, caller ID and SMS text mode are on."""
    expected = {"EC25": "quectel", "E1752": "huawei"}.get(modem.dialect.model, "simcom")
    assert port.vendor.name == expected
    sent = modem.state.received
    assert sent.index("ATE0") < sent.index("AT+CGMM") < sent.index("AT+CLIP=1")
    assert "AT+CMGF=1" in sent
    setup = {"quectel": "AT^DSCI=1", "huawei": "AT^CVOICE?", "simcom": "AT+CLCC=1"}
    assert setup[expected] in sent
    assert modem.state.echo is False
    assert port.audio.format.frame_bytes == 320
    assert port.vendor.audio_path.split(":")[0] in ("usb-audio", "serial-pcm")


def test_ring_with_caller_id_answer_and_remote_hangup(modem: ModemSimulator, port: GsmPort) -> None:
    """RING + +CLIP become ring and caller_id; ATA answers; NO CARRIER is a hangup."""
    modem.incoming_call("13800138000")
    seen = [e for e in _drain(port) if e.kind is not EventKind.SIGNAL]
    assert [e.kind for e in seen] == [EventKind.RING, EventKind.CALLER_ID]  # one ring, one event
    assert seen[1].data == {"number": "13800138000", "name": ""}
    assert port.state is CallState.RINGING
    modem.ring_again()
    assert next_event(port.events, EventKind.RING)  # every ring is reported, the caller once
    port.answer()
    assert next_event(port.events, EventKind.ANSWERED).port == "mobile/1"
    assert port.state is CallState.ACTIVE and modem.state.call == "active"
    port.send_dtmf("12#")
    assert modem.state.dtmf == ["1", "2", "#"]
    modem.remote_hangup()
    assert next_event(port.events, EventKind.HANGUP).data == {"cause": "normal"}
    assert port.state is CallState.IDLE
    assert port.events.empty() or all(e.kind is not EventKind.HANGUP for e in _drain(port))


def test_dial_out_answered_then_local_hangup(modem: ModemSimulator, port: GsmPort) -> None:
    """ATD<number>; places the call; the module's call state says when it is answered."""
    port.dial("10086")
    assert "ATD10086;" in modem.state.received
    assert port.state is CallState.DIALING
    modem.remote_answer()
    assert next_event(port.events, EventKind.ANSWERED)
    port.hangup()
    assert "AT+CHUP" in modem.state.received
    assert next_event(port.events, EventKind.HANGUP).data == {"cause": "local"}
    port.hangup()  # idle: nothing to do, no error


def test_dial_out_busy(modem: ModemSimulator, port: GsmPort) -> None:
    """BUSY after ATD ends the call with cause busy."""
    port.dial("10010")
    modem.remote_busy()
    assert next_event(port.events, EventKind.HANGUP).data == {"cause": "busy"}
    assert port.state is CallState.IDLE


def test_no_carrier_when_not_registered(modem: ModemSimulator, port: GsmPort) -> None:
    """A module off the network answers ATD with NO CARRIER: the call ends at once."""
    modem.state.creg = 2
    port.dial("10010")
    assert next_event(port.events, EventKind.HANGUP).data == {"cause": "normal"}
    assert port.state is CallState.IDLE


def test_caller_gone_before_answer(modem: ModemSimulator, port: GsmPort) -> None:
    """ATA answered with NO CARRIER (the caller hung up) is an error and a hangup."""
    modem.incoming_call("13800138000")
    next_event(port.events, EventKind.CALLER_ID)
    modem.state.call = "idle"  # the caller left between RING and ATA
    with pytest.raises(PortError, match="gone before the answer"):
        port.answer()
    assert next_event(port.events, EventKind.HANGUP).data == {"cause": "failed"}


def test_bad_requests_get_clear_errors(port: GsmPort) -> None:
    """Wrong numbers, digits and states are refused with the reason, nothing is sent."""
    with pytest.raises(PortError, match="digits, \\* and # only"):
        port.dial("138; AT+CFUN=0")
    with pytest.raises(PortError, match="cannot answer while idle"):
        port.answer()
    with pytest.raises(PortError, match="cannot send DTMF while idle"):
        port.send_dtmf("1")
    with pytest.raises(PortError, match="0-9, \\*, #, A-D only"):
        port.send_dtmf("x")
    with pytest.raises(PortError, match="only an FXS port rings"):
        port.ring()


def test_incoming_sms_is_stored_and_deleted_from_the_sim(
    modem: ModemSimulator, port: GsmPort, tmp_path: Path
) -> None:
    """+CMTI makes the driver read the SMS (AT+CMGR), keep it in the JSON-lines file, delete it."""
    modem.deliver_sms(3, "+8613800138000", "您好 callbox")
    event = next_event(port.events, EventKind.SMS)
    assert event.data == {"sender": "+8613800138000", "text": "您好 callbox"}
    wait_for(lambda: 3 not in modem.state.sms)
    stored = port.sms.all()
    assert [(m["sender"], m["text"], m["port"]) for m in stored] == [
        ("+8613800138000", "您好 callbox", "mobile/1")
    ]
    assert stored[0]["sent"] == "26/11/28,09:30:00+32"
    assert port.sms.path == tmp_path / "sms.jsonl"


def test_urc_in_the_middle_of_a_command_is_not_lost(modem: ModemSimulator, port: GsmPort) -> None:
    """A RING arriving while AT+CSQ waits is still a ring, and AT+CSQ still gets its answer."""
    modem.state.overrides["AT+CSQ"] = ["RING", "+CSQ: 17,99", "OK"]
    modem.state.call, modem.state.number = "ringing", "13900000000"
    health = port.refresh_health()
    assert health.details["rssi"] == 17
    assert next_event(port.events, EventKind.RING)


def _drain(port: GsmPort) -> list[PortEvent]:
    """Return the events left after a short wait."""
    time.sleep(0.3)
    left = []
    while not port.events.empty():
        left.append(port.events.get_nowait())
    return left
