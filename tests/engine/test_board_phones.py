"""Which board ports are the box's analog phones (`board_phones.analog_phones`)."""

from __future__ import annotations

from typing import ClassVar

from appliance.boards.audio import PCM16_8K, AudioStream
from appliance.boards.base import Port
from appliance.boards.const import PortKind
from appliance.boards.sim.port import SimPort
from appliance.engine.board_phones import analog_phones


class SipBackedPort(Port):
    """A port whose calls go over SIP (as a `sipgw` gateway's do)."""

    sip_backed: ClassVar[bool] = True


def test_fxs_ports_with_a_number_are_phones_unless_sip_backed() -> None:
    """An FXO line's number is an inbound number; an FXS port's is its phone's extension;
    a SIP-backed FXS port is rung by its gateway, and a port with no number is no phone."""
    ports: list[Port] = [
        SimPort("sim/1"),
        SimPort("sim/2", PortKind.FXS),
        SimPort("sim/3", PortKind.FXS),
        SipBackedPort("gw/2", PortKind.FXS, AudioStream(PCM16_8K, "sip:gw2")),
    ]
    numbers = {"sim/1": "100", "sim/2": "1003", "gw/2": "1004"}
    assert analog_phones(ports, numbers) == {"1003": "sim/2"}
