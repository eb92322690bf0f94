"""What a sipgw board's ports are on the box: pure mapping from the `boards:` setting.

A gateway's **FXO** port (a PSTN line plugged into the gateway) is a line into the box:
the gateway registers one SIP account per FXO port at the SIP edge, its calls in are
line calls to the port's inbound number, and a trunk of kind `line` naming the port
(`gw1/1`) sends calls out to the registered gateway.  An **FXS** port (an analog phone
on the gateway) is an extension of the box: the agent with that extension in the store,
whose SIP account the gateway registers for the phone.  `numbers[i]` is port i's
number: the inbound number of an FXO port, the extension of an FXS port.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from appliance.boards.exceptions import BoardConfigError
from appliance.boards.schemas import validate
from appliance.boards.sipgw.schema import SCHEMA, normal_mac

log = logging.getLogger(__name__)

TYPE_KEY = "sipgw"
ACCOUNT = re.compile(r"[A-Za-z0-9_-]{1,32}")  # a Kamailio user name safe in a cfg regex


@dataclass(frozen=True)
class GatewayLine:
    """One port of a gateway: its name (board/n), kind, SIP account and number."""

    board: str
    index: int  # 1-based, the gateway's own port numbering
    kind: str  # fxo | fxs
    number: str  # fxo: the inbound number its calls go to; fxs: the extension
    account: str  # the SIP user the gateway registers for this port

    @property
    def port(self) -> str:
        """Return the port's name as lines and trunks name it (board/n)."""
        return f"{self.board}/{self.index}"


@dataclass(frozen=True)
class Gateway:
    """One sipgw board: vendor, model, MAC, its FXO accounts' password and its lines."""

    name: str
    vendor: str
    model: str
    mac: str  # 12 lowercase hex digits
    password: str
    lines: tuple[GatewayLine, ...]

    def line(self, index: int) -> GatewayLine:
        """Return the line of 1-based port index."""
        return self.lines[index - 1]


def gateway(raw: Mapping[str, Any]) -> Gateway:
    """Return the gateway a sipgw board's raw config describes; raise BoardConfigError."""
    name = str(raw.get("name", ""))
    config = validate(raw, SCHEMA, name)
    numbers = [str(n).strip() for n in raw.get("numbers", [])]
    numbers += [""] * (len(config["ports"]) - len(numbers))
    lines = tuple(
        GatewayLine(name, index, kind, numbers[index - 1], _account(name, index, kind, numbers))
        for index, kind in enumerate(config["ports"], start=1)
    )
    for line in lines:
        if not ACCOUNT.fullmatch(line.account):
            what = "its extension (numbers:)" if line.kind == "fxs" else "the board's name"
            raise BoardConfigError(
                f"board {name}: port {line.index} ({line.kind}) needs {what} to be 1-32 "
                f"letters, digits, '-' or '_', got {line.account!r}"
            )
    mac = normal_mac(config["mac"])
    return Gateway(name, config["vendor"], config["model"], mac, config["password"], lines)


def _account(board: str, index: int, kind: str, numbers: list[str]) -> str:
    """Return a port's SIP user: `<board>-fxo<n>` for FXO, the extension for FXS."""
    return fxo_account(board, index) if kind == "fxo" else numbers[index - 1]


def fxo_account(board: str, index: int) -> str:
    """Return the SIP user a gateway registers for its FXO port index: `<board>-fxo<n>`."""
    return f"{board}-fxo{index}"


def gateways(boards: Iterable[Any]) -> list[Gateway]:
    """Return the sipgw boards of the `boards:` setting; malformed ones are left out.

    The registry reports a malformed board (with the key at fault) when the engine
    starts the boards; here it is only not mapped, so a typo in one gateway never
    stops the others or the SIP edge.
    """
    found: dict[str, Gateway] = {}
    for raw in boards:
        if not isinstance(raw, Mapping) or raw.get("type") != TYPE_KEY:
            continue
        try:
            gw = gateway(raw)
        except BoardConfigError as error:
            log.warning("sipgw: %s", error)
            continue
        if gw.name in found:  # the registry refuses it too: its accounts would be another's
            log.warning("sipgw: board %s: the name is used twice; the second is left out", gw.name)
            continue
        found[gw.name] = gw
    return list(found.values())


def fxo_lines(boards: Iterable[Mapping[str, Any]]) -> dict[str, GatewayLine]:
    """Return account -> FXO line for every gateway FXO port of the `boards:` setting."""
    return {n.account: n for g in gateways(boards) for n in g.lines if n.kind == "fxo"}


def line_of_port(boards: Iterable[Mapping[str, Any]], port: str) -> GatewayLine | None:
    """Return the gateway FXO line named port (board/n), None if it is not one."""
    return next((n for n in fxo_lines(boards).values() if n.port == port), None)
