"""Snom (D7xx): `<mac>.xml`, the `settings` document of phone settings and function keys."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from provisioning.phones.base import MAC, PhoneConfig, PhoneVendor

LANGUAGES = {"en": "English", "zh": "Chinese"}


class Snom(PhoneVendor):
    """Snom's per-MAC settings file."""

    key = "snom"
    title = "Snom"
    files = (rf"{MAC}\.xml",)
    media_type = "application/xml; charset=utf-8"
    max_blf = 12

    def render(self, filename: str, config: PhoneConfig) -> str:
        """Return the `<mac>.xml` text."""
        root = ET.Element("settings")
        phone = ET.SubElement(root, "phone-settings", e="2")
        language = LANGUAGES.get(config.language, "English")
        for name, value in (("language", language), ("web_language", language),
                            ("utc_offset", str(config.utc_offset_minutes * 60))):  # fmt: skip
            ET.SubElement(phone, name, perm="").text = value
        for name, value in (("user_active", "on"), ("user_realname", config.display_name),
                            ("user_name", config.extension),
                            ("user_host", f"{config.server}:{config.port}"),
                            ("user_pass", config.sip_password)):  # fmt: skip
            ET.SubElement(phone, name, idx="1", perm="").text = value
        keys = ET.SubElement(root, "functionKeys", e="2")
        for index, key in enumerate(config.blf[: self.max_blf]):
            element = ET.SubElement(keys, "fkey", idx=str(index), context="active",
                                    label=key.name, perm="")  # fmt: skip
            element.text = f"blf <sip:{key.extension}@{config.server}>"
        ET.indent(root)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


VENDOR = Snom()
