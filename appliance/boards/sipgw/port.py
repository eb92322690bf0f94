"""A gateway's port: a line whose calls and audio travel over SIP, not through the board."""

from __future__ import annotations

from typing import ClassVar

from appliance.boards.audio import PCM16_8K, AudioStream
from appliance.boards.base import Port, PortHealth
from appliance.boards.const import PortKind


class GatewayPort(Port):
    """One FXO or FXS port of an external gateway.

    The gateway speaks SIP and RTP itself: the engine places and takes this port's calls
    as SIP calls through the SIP edge (appliance/engine/gateway_lines.py), so the port's
    call methods raise NotSupported (the base's) and its `audio` is the base stream that
    says it is not joined to the board bridge.  Its health is the registration of its
    SIP account, read by the watchdog's `sipgw` check.
    """

    sip_backed: ClassVar[bool] = True

    def __init__(self, name: str, kind: PortKind, account: str) -> None:
        """Name the port and the SIP account the gateway registers for it (FXO)."""
        super().__init__(name, kind, AudioStream(PCM16_8K, f"sip:{account}"))
        self.account = account

    def health(self) -> PortHealth:
        """Return ok: registration is watched by the `sipgw` check, not the board."""
        return PortHealth(self.name, True, details={"account": self.account, "via": "sip"})
