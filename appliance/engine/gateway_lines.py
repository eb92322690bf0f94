"""Calls on external gateways' FXO lines (sipgw boards): SIP calls that count as line calls.

A gateway registers one account per FXO port at the SIP edge.  Its calls in reach the
edge account with `X-Callbox-Line: <account>` (set by Kamailio after digest auth, and
removed from everything else), and are taken like a board line's call: to the port's
inbound number, the PSTN caller from `From` as the caller.  A trunk of kind `line`
whose host is such a port (`gw1/1`) sends a call out as an INVITE to the port's account
through the edge with `X-Callbox-Dial: <number>`; Kamailio puts the number in the
Request-URI of the gateway's registered contact (docs/boards.md, "sipgw").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from appliance.boards.sipgw.lines import GatewayLine, fxo_lines
from appliance.sipedge.registrations import registered

if TYPE_CHECKING:
    from appliance.engine.legs import Leg
    from appliance.engine.queue_store import TrunkPeer
    from appliance.engine.switchboard import Switchboard

LINE_HEADER = "X-Callbox-Line"
DIAL_HEADER = "X-Callbox-Dial"
_DIALLABLE = re.compile(r"\+?[0-9*#]{1,32}")


class GatewayLines:
    """The gateways' FXO lines of the engine's `boards:` setting, by account and port."""

    def __init__(self, board: Switchboard) -> None:
        """Map the FXO lines once: the `boards:` setting changes only with a restart."""
        self.board = board
        self.by_account = fxo_lines(board.settings.boards)
        self.by_port = {line.port: line for line in self.by_account.values()}

    def take(self, leg: Leg, account: str, caller: str) -> bool:
        """Take a call in from the gateway line of account; False if it is not one.

        A gateway with no caller ID from the exchange puts its own account in From: that
        is no caller, not a number to call back.
        """
        line = self.by_account.get(account)
        if line is None:
            return False
        leg.trunk = self._trunk_of(line)
        caller = "" if caller == account else caller
        self.board.take_call(leg, "line", caller, line.number, line.port)
        return True

    def line_for(self, peer: TrunkPeer | None) -> GatewayLine | None:
        """Return the gateway line a trunk of kind `line` names (None: not a gateway's)."""
        if peer is None or peer.kind != "line":
            return None
        return self.by_port.get(peer.host)

    def registered(self, peer: TrunkPeer) -> bool:
        """Return false if peer is a gateway's line whose gateway has not registered it.

        Such a line cannot be reached (the edge would answer 480), so a route passes it
        over at once, as it does a registering trunk that is not registered.
        """
        line = self.line_for(peer)
        return line is None or line.account in registered(self.board.settings)

    def dial_target(self, line: GatewayLine, number: str) -> tuple[str, dict[str, str]]:
        """Return the edge URI and headers that make the gateway dial number on line.

        Raises ValueError for a number a gateway cannot dial (it lands in a SIP URI).
        """
        if not _DIALLABLE.fullmatch(number):
            raise ValueError(f"gateway line {line.port} cannot dial {number!r}")
        sip = self.board.settings.sip
        return f"sip:{line.account}@{sip.listen}:{sip.port}", {DIAL_HEADER: number}

    def _trunk_of(self, line: GatewayLine) -> str:
        """Return the name of the `line` trunk on this port ("" if none), for its counts."""
        trunks = self.board.directory.trunks.values()
        return next((t.name for t in trunks if t.kind == "line" and t.host == line.port), "")


def header_value(message: str, name: str) -> str:
    """Return the first value of a header in a SIP message's head ('' if absent)."""
    head = message.split("\r\n\r\n", 1)[0]
    wanted = name.lower()
    for row in head.splitlines()[1:]:
        key, sep, value = row.partition(":")
        if sep and key.strip().lower() == wanted:
            return value.strip()
    return ""
