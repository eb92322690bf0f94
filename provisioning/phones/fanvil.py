"""Fanvil (X-series): `<mac>.cfg` in the `<<VOIP CONFIG FILE>>` format, `Key :value` lines."""

from __future__ import annotations

from provisioning.phones.base import MAC, PhoneConfig, PhoneVendor, line_safe

LANGUAGES = {"en": "en", "zh": "cn"}
BLF_TYPE = "1"  # Fanvil DSS key type: memory key (BLF with the /b suffix on the value)


class Fanvil(PhoneVendor):
    """Fanvil's per-MAC configuration file."""

    key = "fanvil"
    title = "Fanvil"
    files = (rf"{MAC}\.cfg",)
    max_blf = 10

    def render(self, filename: str, config: PhoneConfig) -> str:
        """Return the `<mac>.cfg` text: modules in <...>, then `Key :value` lines."""
        sections = [
            ("GLOBAL CONFIG MODULE", [
                ("Time Zone", str(config.utc_offset_minutes // 15)),  # quarter hours
                ("Time Zone Name", config.timezone),
                ("Language", LANGUAGES.get(config.language, "en")),
            ]),
            ("SIP CONFIG MODULE", [
                ("SIP1 Phone Number", config.extension),
                ("SIP1 Display Name", config.display_name),
                ("SIP1 Register Addr", config.server),
                ("SIP1 Register Port", str(config.port)),
                ("SIP1 Register User", config.extension),
                ("SIP1 Register Pswd", config.sip_password),
                ("SIP1 Enable Reg", "1"),
            ]),
            ("DSS CONFIG MODULE", self._keys(config)),
        ]  # fmt: skip
        lines = ["<<VOIP CONFIG FILE>>Version:2.0002", ""]
        for title, pairs in sections:
            lines.append(f"<{title}>")
            lines += [f"{name:<20}:{line_safe(value)}" for name, value in pairs]
            lines.append("")
        return "\n".join([*lines, "<<END OF FILE>>"]) + "\n"

    def _keys(self, config: PhoneConfig) -> list[tuple[str, str]]:
        """Return the DSS keys: one BLF key per colleague."""
        pairs = []
        for number, key in enumerate(config.blf[: self.max_blf], start=1):
            pairs += [(f"Fkey{number} Type", BLF_TYPE),
                      (f"Fkey{number} Value", f"{key.extension}@1/b"),
                      (f"Fkey{number} Title", key.name)]  # fmt: skip
        return pairs


VENDOR = Fanvil()
