"""Find DAHDI spans and their analog channels, as `dahdi_genconf` does, under a root.

The spans come from `/proc/dahdi/<span>` (one file per span: a header line, then one
line per channel: number, name, signalling if configured, flags); the devices behind
them from sysfs `/sys/bus/dahdi_devices/devices/*`. The root is configurable so a test
(or a chroot) can hold a copy of those trees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from appliance.boards.const import PortKind
from appliance.boards.dahdi.ioctls import SIG_NAMES

SPAN_HEADER = re.compile(r'^Span (\d+): (\S+) "([^"]*)"(.*)$')
CHANNEL_LINE = re.compile(r"^\s*(\d+)\s+(\S+)(?:\s+(\S+))?")
SPAN_ALARMS = ("RED", "YELLOW", "BLUE", "NOTOPEN", "LOOPBACK", "RECOVERING")


@dataclass(frozen=True)
class DetectedChannel:
    """One channel of a span: its number, name, signalling ("" if not configured)."""

    number: int
    name: str
    signalling: str

    @property
    def kind(self) -> PortKind | None:
        """Return the port kind its signalling makes it (FXS-signalled is an FXO port)."""
        if self.signalling.startswith("FXS"):
            return PortKind.FXO
        if self.signalling.startswith("FXO"):
            return PortKind.FXS
        return None


@dataclass(frozen=True)
class DetectedSpan:
    """One span: its number, driver name, description, alarms and channels."""

    number: int
    name: str
    description: str
    alarms: tuple[str, ...]
    channels: tuple[DetectedChannel, ...] = field(default=())


def spans(root: Path) -> list[DetectedSpan]:
    """Return every span under <root>/proc/dahdi, in span order."""
    folder = root / "proc" / "dahdi"
    files = [p for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() else []
    found = [parse_span(p.read_text(errors="replace")) for p in files]
    return sorted((s for s in found if s is not None), key=lambda s: s.number)


def parse_span(text: str) -> DetectedSpan | None:
    """Return the span a /proc/dahdi/<n> file describes, or None if it has no header."""
    lines = text.splitlines()
    header = next((SPAN_HEADER.match(line) for line in lines if line.startswith("Span ")), None)
    if header is None:
        return None
    flags = header.group(4).upper().split()
    channels = [_channel(line) for line in lines if CHANNEL_LINE.match(line)]
    return DetectedSpan(
        int(header.group(1)),
        header.group(2),
        header.group(3),
        tuple(a for a in SPAN_ALARMS if a in flags),
        tuple(channels),
    )


def _channel(line: str) -> DetectedChannel:
    """Return the channel a span file's channel line describes."""
    match = CHANNEL_LINE.match(line)
    assert match is not None
    signalling = (match.group(3) or "").upper()
    return DetectedChannel(
        int(match.group(1)), match.group(2), signalling if signalling in SIG_NAMES else ""
    )


def devices(root: Path) -> list[dict[str, str]]:
    """Return the DAHDI devices in sysfs: name, manufacturer, type, hardware id, location."""
    folder = root / "sys" / "bus" / "dahdi_devices" / "devices"
    if not folder.is_dir():
        return []
    keys = ("manufacturer", "type", "hardware_id", "location")
    return [{"name": d.name, **{k: _read(d / k) for k in keys}} for d in sorted(folder.iterdir())]


def _read(path: Path) -> str:
    """Return a sysfs attribute's text, or "" when it is absent."""
    try:
        return path.read_text(errors="replace").strip()
    except OSError:
        return ""
