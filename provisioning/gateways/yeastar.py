"""Yeastar TA (TA100/200/400/800 FXS, TA1600/2400/3200, TA410/810 FXO): `<mac>.cfg`.

An INI text file, one section per port (`[port1]`…) and one for the SIP server: the
layout of Yeastar's auto-provisioning templates as best known, key names included —
**not checked on real units**; compare with a unit's exported configuration before
relying on it (docs/boards.md, "sipgw").  Values that could break a line or a section are
refused (ValueError) rather than written.
"""

from __future__ import annotations

from typing import ClassVar

from provisioning.gateways.base import MAC, GatewayConfig, GatewayVendor, PortAccount


class Yeastar(GatewayVendor):
    """Yeastar's per-MAC INI file for its TA gateways."""

    keys: ClassVar[tuple[str, ...]] = ("yeastar-ta",)
    files = (rf"{MAC}\.cfg",)

    def render(self, config: GatewayConfig) -> str:
        """Return the `<mac>.cfg` text."""
        rows = ["[general]", f"mac={config.mac}", f"model={_safe(config.model)}",
                f"timezone_offset_minutes={config.utc_offset_minutes}", "",
                "[sipserver1]", f"server={_safe(config.server)}", f"port={config.port}",
                "transport=udp", ""]  # fmt: skip
        for port in config.ports:
            rows += self._port(port)
        return "\n".join(rows)

    def _port(self, port: PortAccount) -> list[str]:
        """Return one port's section."""
        rows = [f"[port{port.index}]", f"type={port.kind}", f"enable={1 if port.user else 0}"]
        if port.user:
            rows += ["sipserver=sipserver1", f"username={_safe(port.user)}",
                     f"authname={_safe(port.user)}", f"password={_safe(port.password)}",
                     f"displayname={_safe(port.name)}"]  # fmt: skip
        if port.kind == "fxo" and port.user:
            rows += ["dial_mode=one_stage", f"pstn_to_voip_destination={_safe(port.number)}"]
        return [*rows, ""]


def _safe(value: str) -> str:
    """Return value for a `key=value` line; refuse anything that could break the file."""
    if any(c in value for c in "\r\n[]") or value != value.strip():
        raise ValueError(f"{value!r} cannot go into a Yeastar configuration file")
    return value


VENDOR = Yeastar()
