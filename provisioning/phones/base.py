"""What a phone vendor is, and the settings every phone's file is written from.

Contract of a `PhoneVendor` subclass: set `key` (lowercase, what agents'
``phone_vendor`` holds), `title`, `files` (regular expressions of the file names its
phones ask the provisioning server for, each with a ``mac`` group: 12 hex digits),
`media_type`, and `max_blf` (the BLF keys it fills, at most); implement
`render(filename, config)` returning that file's text.  Values are escaped for the
format by the vendor (XML) or refused when they could break a line (`line_safe`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar


def mac_in(patterns: tuple[str, ...], filename: str) -> str | None:
    """Return the MAC (lowercase) a file name asks for, by the first pattern it matches.

    Each pattern is a regular expression with a group `mac` (phones' and gateways' files).
    """
    for pattern in patterns:
        found = re.fullmatch(pattern, filename, flags=re.IGNORECASE)
        if found:
            return found.group("mac").lower()
    return None


def file_for(pattern: str, mac: str) -> str:
    """Return the file name a device with mac fetches, from one of its file patterns."""
    return re.sub(r"\(\?P<mac>[^)]*\)", mac, pattern).replace("\\", "")


@dataclass(frozen=True)
class BlfKey:
    """A colleague's line key: their extension and name (busy lamp field)."""

    extension: str
    name: str


@dataclass(frozen=True)
class PhoneConfig:
    """What goes into one phone's file, read from the store and the box's settings."""

    mac: str  # 12 lowercase hex digits
    extension: str
    display_name: str
    sip_password: str
    server: str  # where the phone registers (Kamailio)
    port: int
    timezone: str  # IANA name
    utc_offset_minutes: int  # the zone's current offset (vendors that want a number)
    language: str  # en | zh
    blf: list[BlfKey] = field(default_factory=list)
    model: str = ""


class PhoneVendor:
    """A phone vendor's file names and format (see the module docstring for the contract)."""

    key: ClassVar[str]
    title: ClassVar[str]
    files: ClassVar[tuple[str, ...]]
    media_type: ClassVar[str] = "text/plain; charset=utf-8"
    max_blf: ClassVar[int] = 10

    def mac_of(self, filename: str) -> str | None:
        """Return the MAC a requested file name is for (lowercase), None if not this vendor's."""
        return mac_in(self.files, filename)

    def file_names(self, mac: str) -> list[str]:
        """Return the file names this vendor's phone with mac fetches (for the admin page)."""
        return [file_for(pattern, mac) for pattern in self.files]

    def render(self, filename: str, config: PhoneConfig) -> str:
        """Return the text of the file filename for the phone config describes."""
        raise NotImplementedError


MAC = r"(?P<mac>[0-9a-f]{12})"


def line_safe(value: str) -> str:
    """Return value for a `key = value` line: no line breaks can slip into the file."""
    return value.replace("\r", " ").replace("\n", " ")


def offset_text(minutes: int) -> str:
    """Return a UTC offset in hours as vendors write it: +8, -3.5, 0."""
    hours = minutes / 60
    text = f"{hours:+.1f}".rstrip("0").rstrip(".")
    return "0" if hours == 0 else text
