"""Grandstream HT8xx (HT812, HT813, HT814, HT818) and GXW (GXW410x, GXW42xx): `cfg<mac>.xml`.

The `gs_provision` XML document of P-values Grandstream's units fetch.  Each port is
one of the unit's SIP profiles/accounts; the P-value numbers per port are data below,
from Grandstream's published templates as best known — **not checked on real units**
(docs/boards.md, "sipgw").  An FXO port's dialling mode (one stage: the number to dial
is the Request-URI's user) and where its PSTN calls go are set on the unit's own page:
their P-values differ between firmware versions and are not written here.
"""

from __future__ import annotations

from typing import ClassVar

from provisioning.gateways.base import MAC, GatewayConfig, GatewayVendor, PortAccount
from provisioning.phones.grandstream import provision_xml

# Per port (1-based): P-values of account active, SIP server, user ID, auth ID, password,
# display name.  Ports beyond the table are not written (the unit keeps its own).
HT8XX = (
    ("P271", "P47", "P35", "P36", "P34", "P3"),  # port 1 (profile 1)
    ("P401", "P747", "P735", "P736", "P734", "P703"),  # port 2 (profile 2)
)
GXW = (
    ("P271", "P47", "P35", "P36", "P34", "P3"),  # account 1
    ("P401", "P402", "P404", "P405", "P406", "P407"),  # account 2
    ("P501", "P502", "P504", "P505", "P506", "P507"),  # account 3
    ("P601", "P602", "P604", "P605", "P606", "P607"),  # account 4
)


class Grandstream(GatewayVendor):
    """Grandstream's per-MAC P-value file for its analog gateways."""

    keys: ClassVar[tuple[str, ...]] = ("grandstream-ht8xx", "grandstream-gxw")
    files = (rf"cfg{MAC}\.xml",)
    media_type = "application/xml; charset=utf-8"

    def __init__(self, table: tuple[tuple[str, ...], ...]) -> None:
        """Write ports with this P-value table."""
        self.table = table

    def render(self, config: GatewayConfig) -> str:
        """Return the `cfg<mac>.xml` text."""
        values: dict[str, str] = {}
        for port in config.ports[: len(self.table)]:
            values.update(self._port(config, port))
        return provision_xml(config.mac, values)

    def _port(self, config: GatewayConfig, port: PortAccount) -> dict[str, str]:
        """Return one port's P-values."""
        active, server, user, auth, password, name = self.table[port.index - 1]
        values = {active: "1" if port.user else "0"}
        if port.user:
            values |= {server: f"{config.server}:{config.port}", user: port.user,
                       auth: port.user, password: port.password, name: port.name}  # fmt: skip
        return values


HT8XX_VENDOR = Grandstream(HT8XX)
GXW_VENDOR = Grandstream(GXW)
