"""What a gateway vendor is, and the settings a gateway's file is written from.

Contract of a `GatewayVendor` subclass: set `keys` (the sipgw `vendor:` values it
writes for), `files` (regular expressions of the file names its units ask for, each
with a ``mac`` group), `media_type`; implement `render(config)` returning the file's
text.  Values are escaped for the format (XML) or refused when they could break it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from provisioning.phones.base import file_for, mac_in

MAC = r"(?P<mac>[0-9a-f]{12})"


@dataclass(frozen=True)
class PortAccount:
    """One port's SIP account as the gateway is told it ("" user: the port is left off)."""

    index: int  # 1-based port number on the unit
    kind: str  # fxo | fxs
    user: str  # the SIP user and authentication ID
    password: str
    name: str  # what the unit shows / sends as the display name
    number: str  # fxo: the box's inbound number the line's calls go to; fxs: the extension


@dataclass(frozen=True)
class GatewayConfig:
    """What goes into one gateway's file: where it registers, and each port's account."""

    mac: str  # 12 lowercase hex digits
    model: str
    server: str  # where the gateway registers (the SIP edge)
    port: int
    utc_offset_minutes: int
    ports: tuple[PortAccount, ...]


class GatewayVendor:
    """A gateway vendor's file names and format (see the module docstring for the contract)."""

    keys: ClassVar[tuple[str, ...]]
    files: ClassVar[tuple[str, ...]]
    media_type: ClassVar[str] = "text/plain; charset=utf-8"

    def mac_of(self, filename: str) -> str | None:
        """Return the MAC a requested file name is for (lowercase), None if not this vendor's."""
        return mac_in(self.files, filename)

    def file_name(self, mac: str) -> str:
        """Return the file name a unit with mac fetches."""
        return file_for(self.files[0], mac)

    def render(self, config: GatewayConfig) -> str:
        """Return the text of the unit's configuration file."""
        raise NotImplementedError
