"""Grandstream (GXP, GRP): `cfg<mac>.xml`, the `gs_provision` document of P-values."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from provisioning.phones.base import MAC, PhoneConfig, PhoneVendor

LANGUAGES = {"en": "en", "zh": "zh"}
BLF_MODE = "1"  # multi-purpose key mode: busy lamp field


class Grandstream(PhoneVendor):
    """Grandstream's per-MAC configuration file (P-values of the GXP templates)."""

    key = "grandstream"
    title = "Grandstream"
    files = (rf"cfg{MAC}\.xml",)
    media_type = "application/xml; charset=utf-8"
    max_blf = 8

    def render(self, filename: str, config: PhoneConfig) -> str:
        """Return the `cfg<mac>.xml` text."""
        hours, minutes = divmod(abs(config.utc_offset_minutes), 60)
        sign = "-" if config.utc_offset_minutes > 0 else "+"  # POSIX TZ: east is negative
        values = {
            "P271": "1",  # account active
            "P270": config.display_name,  # account name
            "P47": f"{config.server}:{config.port}",  # SIP server
            "P35": config.extension,  # SIP user ID
            "P36": config.extension,  # authenticate ID
            "P34": config.sip_password,  # authenticate password
            "P3": config.display_name,  # display name
            "P64": f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else ""),  # POSIX form
            "P1362": LANGUAGES.get(config.language, "en"),  # display language
        }
        for index, key in enumerate(config.blf[: self.max_blf]):
            values[f"P{323 + index}"] = BLF_MODE  # multi-purpose key mode
            values[f"P{301 + 3 * index}"] = "0"  # account 1
            values[f"P{302 + 3 * index}"] = key.name
            values[f"P{303 + 3 * index}"] = key.extension
        return provision_xml(config.mac, values)


VENDOR = Grandstream()


def provision_xml(mac: str, values: dict[str, str]) -> str:
    """Return Grandstream's `gs_provision` XML setting P-values for the device with mac.

    The same format serves their phones and their HT8xx/GXW gateways.
    """
    root = ET.Element("gs_provision", version="1")
    ET.SubElement(root, "mac").text = mac
    settings = ET.SubElement(root, "config", version="1")
    for name, value in values.items():
        ET.SubElement(settings, name).text = value
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
