"""Yealink (T4x, T5x): `<mac>.cfg`, `key = value` lines under the `#!version:1.0.0.1` header."""

from __future__ import annotations

from provisioning.phones.base import MAC, PhoneConfig, PhoneVendor, line_safe, offset_text

LANGUAGES = {"en": "English", "zh": "Chinese_S"}
BLF_TYPE = 16  # Yealink's line-key type for BLF
FIRST_BLF_KEY = 2  # line key 1 is the account's own line


class Yealink(PhoneVendor):
    """Yealink's per-MAC configuration file."""

    key = "yealink"
    title = "Yealink"
    files = (rf"{MAC}\.cfg",)
    max_blf = 10

    def render(self, filename: str, config: PhoneConfig) -> str:
        """Return the `<mac>.cfg` text."""
        language = LANGUAGES.get(config.language, "English")
        pairs = [
            ("account.1.enable", "1"),
            ("account.1.label", config.extension),
            ("account.1.display_name", config.display_name),
            ("account.1.auth_name", config.extension),
            ("account.1.user_name", config.extension),
            ("account.1.password", config.sip_password),
            ("account.1.sip_server.1.address", config.server),
            ("account.1.sip_server.1.port", str(config.port)),
            ("local_time.time_zone", offset_text(config.utc_offset_minutes)),
            ("local_time.time_zone_name", config.timezone),
            ("lang.gui", language),
            ("lang.wui", language),
        ]
        for number, key in enumerate(config.blf[: self.max_blf], start=FIRST_BLF_KEY):
            prefix = f"linekey.{number}"
            pairs += [
                (f"{prefix}.type", str(BLF_TYPE)),
                (f"{prefix}.line", "1"),
                (f"{prefix}.value", key.extension),
                (f"{prefix}.label", key.name),
            ]
        lines = [f"{name} = {line_safe(value)}" for name, value in pairs]
        return "#!version:1.0.0.1\n" + "\n".join(lines) + "\n"


VENDOR = Yealink()
