"""Configuration files for external FXO/FXS gateways (sipgw boards), keyed by MAC.

A gateway in the `boards:` setting is served the file its vendor's units ask for at
`/provision/<file>` (web/phones/routes.py), like a phone: one vendor module each here
(`grandstream.py`, `yeastar.py`).  FXO ports get their `<board>-fxo<n>` account and the
board's password; FXS ports the account of the agent whose extension the port has.
"""

from __future__ import annotations

from appliance.boards.sipgw.lines import Gateway, GatewayLine, gateways
from appliance.config import Settings
from provisioning.gateways.base import GatewayConfig, GatewayVendor, PortAccount
from provisioning.gateways.grandstream import GXW_VENDOR, HT8XX_VENDOR
from provisioning.gateways.yeastar import VENDOR as YEASTAR
from provisioning.phones.config import utc_offset_minutes

VENDORS: dict[str, GatewayVendor] = {
    "grandstream-ht8xx": HT8XX_VENDOR,
    "grandstream-gxw": GXW_VENDOR,
    "yeastar-ta": YEASTAR,
}


def find_gateway(filename: str, settings: Settings) -> tuple[Gateway, GatewayVendor] | None:
    """Return the gateway of the `boards:` setting asking for filename, None if no one's."""
    for gw in gateways(settings.boards):
        vendor = VENDORS[gw.vendor]
        if vendor.mac_of(filename) == gw.mac:
            return gw, vendor
    return None


def gateway_config(gw: Gateway, settings: Settings, fxs_passwords: dict[str, str]) -> GatewayConfig:
    """Return what goes into gw's file; fxs_passwords: extension -> the agent's SIP password."""
    return GatewayConfig(
        mac=gw.mac,
        model=gw.model,
        server=settings.provisioning.phone_server or settings.sip.domain,
        port=settings.sip.port,
        utc_offset_minutes=utc_offset_minutes(settings.timezone),
        ports=tuple(_account(gw, line, fxs_passwords) for line in gw.lines),
    )


def _account(gw: Gateway, line: GatewayLine, fxs_passwords: dict[str, str]) -> PortAccount:
    """Return one port's account: an FXS port whose extension has no agent is left off."""
    if line.kind == "fxo":
        return PortAccount(line.index, "fxo", line.account, gw.password, line.port, line.number)
    password = fxs_passwords.get(line.account, "")
    user = line.account if password else ""
    return PortAccount(line.index, "fxs", user, password, line.account, line.number)
