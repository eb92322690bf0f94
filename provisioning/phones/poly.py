"""Poly (VVX, Edge E): the master file `<mac>.cfg` naming `<mac>-phone.cfg`, both XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from provisioning.phones.base import MAC, PhoneConfig, PhoneVendor

LANGUAGES = {"en": "English_United_States", "zh": "Chinese_China"}
XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Poly(PhoneVendor):
    """Poly's master configuration file and its per-phone settings file."""

    key = "poly"
    title = "Poly"
    files = (rf"{MAC}\.cfg", rf"{MAC}-phone\.cfg")
    media_type = "application/xml; charset=utf-8"
    max_blf = 10

    def render(self, filename: str, config: PhoneConfig) -> str:
        """Return the master file or the phone file, by the name asked for."""
        if filename.lower().endswith("-phone.cfg"):
            return self._phone(config)
        root = ET.Element("APPLICATION", APP_FILE_PATH="sip.ld",
                          CONFIG_FILES=f"{config.mac}-phone.cfg", MISC_FILES="",
                          LOG_FILE_DIRECTORY="", OVERRIDES_DIRECTORY="",
                          CONTACTS_DIRECTORY="")  # fmt: skip
        return XML_HEADER + ET.tostring(root, "unicode") + "\n"

    def _phone(self, config: PhoneConfig) -> str:
        """Return `<mac>-phone.cfg`: registration, time, language and BLF resources."""
        root = ET.Element("polycomConfig")
        ET.SubElement(root, "reg", {
            "reg.1.displayName": config.display_name, "reg.1.label": config.extension,
            "reg.1.address": config.extension, "reg.1.auth.userId": config.extension,
            "reg.1.auth.password": config.sip_password,
            "reg.1.server.1.address": config.server, "reg.1.server.1.port": str(config.port),
        })  # fmt: skip
        ET.SubElement(
            root, "tcpIpApp.sntp", {"tcpIpApp.sntp.gmtOffset": str(config.utc_offset_minutes * 60)}
        )
        ET.SubElement(root, "lcl", {"lcl.ml.lang": LANGUAGES.get(config.language, "English")})
        attendant = {"attendant.reg": "1"}
        for number, key in enumerate(config.blf[: self.max_blf], start=1):
            attendant[f"attendant.resourceList.{number}.address"] = (
                f"{key.extension}@{config.server}"
            )
            attendant[f"attendant.resourceList.{number}.label"] = key.name
            attendant[f"attendant.resourceList.{number}.type"] = "normal"
        ET.SubElement(root, "attendant", attendant)
        ET.indent(root)
        return XML_HEADER + ET.tostring(root, "unicode") + "\n"


VENDOR = Poly()
