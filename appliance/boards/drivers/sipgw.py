"""The `sipgw` driver: an external FXO/FXS gateway (Grandstream HT8xx/GXW, Yeastar TA).

Config (docs/boards.md, "sipgw")::

    - name: gw1
      type: sipgw
      vendor: grandstream-ht8xx   # grandstream-gxw, yeastar-ta
      model: HT813
      mac: "00:0b:82:12:34:56"
      password: "S3cret-Gateway-Pw"   # its FXO accounts' SIP password
      ports: [fxo, fxs]           # gw1/1 a PSTN line, gw1/2 an analog phone
      numbers: ["100", "205"]     # fxo: inbound number; fxs: the phone's extension

The gateway carries calls and audio itself over SIP: this driver maps its ports
(`appliance/boards/sipgw/lines.py`); the SIP edge gives its FXO ports accounts, the
engine takes and places their calls (`appliance/engine/gateway_lines.py`), the web app
serves its configuration file (`provisioning/gateways/`), the watchdog watches its
registrations (`appliance/health/checks/sipgw.py`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from appliance.boards.base import Board
from appliance.boards.const import PortKind
from appliance.boards.exceptions import BoardConfigError
from appliance.boards.schemas import Field
from appliance.boards.sipgw.lines import ACCOUNT, TYPE_KEY, fxo_account
from appliance.boards.sipgw.port import GatewayPort
from appliance.boards.sipgw.schema import SCHEMA


class SipGatewayBoard(Board):
    """An external gateway's ports, each a SIP account of the box."""

    type_key: ClassVar[str] = TYPE_KEY
    SCHEMA: ClassVar[tuple[Field, ...]] = SCHEMA

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        """Make the ports from the validated config (an FXS port's extension is in numbers:)."""
        super().__init__(name, config)
        if not ACCOUNT.fullmatch(fxo_account(name, 1)):
            raise BoardConfigError(
                f"board {name}: a gateway's name must be letters, digits, '-' or '_' "
                "(it names the SIP accounts of its FXO ports)"
            )
        kinds = [PortKind(kind) for kind in config["ports"]]
        self.ports = [
            GatewayPort(f"{name}/{n}", kind, fxo_account(name, n) if kind == "fxo" else "")
            for n, kind in enumerate(kinds, start=1)
        ]
