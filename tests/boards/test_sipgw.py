"""The sipgw board: its config, how its ports map to SIP accounts, and the registry."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.boards.const import BoardState, PortKind
from appliance.boards.exceptions import BoardConfigError, NotSupported
from appliance.boards.registry import Registry
from appliance.boards.sipgw.lines import fxo_lines, gateway, gateways, line_of_port

HT813: dict[str, Any] = {
    "name": "gw1",
    "type": "sipgw",
    "vendor": "grandstream-ht8xx",
    "model": "HT813",
    "mac": "00:0B:82:12:34:56",
    "password": "Gw-Secret-0001",
    "ports": ["fxo", "fxs"],
    "numbers": ["100", "1002"],
}


def test_ports_map_to_accounts_and_numbers() -> None:
    gw = gateway(HT813)
    assert (gw.name, gw.vendor, gw.model, gw.mac) == ("gw1", "grandstream-ht8xx", "HT813",
                                                       "000b82123456")  # fmt: skip
    assert [(n.port, n.kind, n.number, n.account) for n in gw.lines] == [
        ("gw1/1", "fxo", "100", "gw1-fxo1"),
        ("gw1/2", "fxs", "1002", "1002"),
    ]
    assert list(fxo_lines([HT813])) == ["gw1-fxo1"]
    line = line_of_port([HT813], "gw1/1")
    assert line is not None and line.number == "100"
    assert line_of_port([HT813], "gw1/2") is None  # an FXS port is not a line out
    assert line_of_port([HT813], "sim/1") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"vendor": "cisco"}, "vendor must be one of"),
        ({"mac": "00:0b:82"}, "mac must be a MAC address"),
        ({"password": "short"}, "password must be 12 to 64"),
        ({"password": "has a space in it"}, "password must be 12 to 64"),
        ({"ports": []}, "ports must list 1 to 32"),
        ({"ports": ["fxo", "gsm"]}, "must each be fxo or fxs, got 'gsm'"),
        ({"ports": "fxo"}, "ports must be list"),
        ({"numbers": ["100"]}, "port 2 (fxs) needs its extension"),
        ({"name": "gw.1"}, "port 1 (fxo) needs the board's name"),
        ({"colour": "red"}, "unknown key(s) colour"),
    ],
)
def test_a_bad_config_is_refused_naming_the_key(change: dict[str, Any], message: str) -> None:
    with pytest.raises(BoardConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gateway({**HT813, **change})


def test_a_malformed_gateway_is_left_out_not_the_others(caplog: pytest.LogCaptureFixture) -> None:
    other = {**HT813, "name": "gw2", "mac": "000b82abcdef", "ports": ["fxo"], "numbers": ["200"]}
    found = gateways([{**HT813, "mac": "nope"}, other, {"name": "sim", "type": "sim"},
                      {**other, "mac": "000b82000000"}])  # fmt: skip
    assert [(g.name, g.mac) for g in found] == [("gw2", "000b82abcdef")]
    assert "board gw1: mac must be a MAC address" in caplog.text
    assert "board gw2: the name is used twice" in caplog.text


def test_the_registry_starts_it_with_sip_backed_ports() -> None:
    registry = Registry()
    try:
        [status] = registry.load([HT813])
        assert status.state == BoardState.READY, status.detail
        board = registry.boards["gw1"]
        assert [(p.name, p.kind, p.sip_backed) for p in board.ports] == [
            ("gw1/1", PortKind.FXO, True),
            ("gw1/2", PortKind.FXS, True),
        ]
        assert [h.ok for h in board.health()] == [True, True]
        assert board.health()[0].details == {"account": "gw1-fxo1", "via": "sip"}
        with pytest.raises(NotSupported):
            board.ports[0].dial("123")  # its calls go over SIP, not through the port
        [bad] = Registry().load([{**HT813, "name": "gw9", "vendor": "acme"}])
        assert bad.state == BoardState.INVALID and "vendor must be one of" in bad.detail
        [dotted] = Registry().load([{**HT813, "name": "gw.9"}])
        assert dotted.state == BoardState.INVALID and "letters, digits" in dotted.detail
    finally:
        registry.close()
