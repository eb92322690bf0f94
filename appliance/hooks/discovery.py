"""Find an event's hooks: `<event>.d/` in the shipped and the local folder, in name order.

Like run-parts, only executable regular files whose names are letters, digits, `-` and
`_` run (so `README`, editor backups `x~` and package leftovers `x.dpkg-old` never do);
a file that is not executable is listed as skipped.  A local hook with the name of a
shipped one replaces it, which is how an integrator changes or disables (an empty,
non-executable file) a shipped hook without editing the release.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import appliance
from appliance.config import Settings
from appliance.hooks.const import Event
from appliance.hooks.exceptions import HookError

CODE_ROOT = Path(appliance.__file__).resolve().parent.parent  # a release's or checkout's root
VALID_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Hook:
    """One hook file of an event."""

    name: str
    path: Path
    origin: str  # "shipped" or "local"
    executable: bool


def event(name: str) -> Event:
    """Return the event called name, or raise HookError listing the known ones."""
    try:
        return Event(name)
    except ValueError:
        known = ", ".join(e.value for e in Event)
        raise HookError(f"unknown hook event {name!r} (known: {known})") from None


def folders(settings: Settings) -> list[tuple[str, Path]]:
    """Return (origin, folder) of the hook folders, shipped first."""
    shipped = (
        Path(settings.hooks.shipped) if settings.hooks.shipped else CODE_ROOT / "firmware_hooks"
    )
    return [("shipped", shipped.absolute()), ("local", Path(settings.hooks.local).absolute())]


def discover(settings: Settings, which: Event) -> list[Hook]:
    """Return every hook file of the event in run order, executable or not."""
    found: dict[str, Hook] = {}
    for origin, folder in folders(settings):
        event_dir = folder / f"{which.value}.d"
        if not event_dir.is_dir():
            continue
        for path in event_dir.iterdir():
            if VALID_NAME.match(path.name) and path.is_file():
                executable = os.access(path, os.X_OK)
                found[path.name] = Hook(path.name, path, origin, executable)
    return [found[name] for name in sorted(found)]


def runnable(settings: Settings, which: Event) -> list[Hook]:
    """Return the executable hooks of the event in run order."""
    return [hook for hook in discover(settings, which) if hook.executable]


def callbox_bin() -> Path | None:
    """Return the folder holding the running release's `callbox` command, if any."""
    for folder in (CODE_ROOT / "bin", Path(sys.executable).parent):
        if (folder / "callbox").is_file():
            return folder
    return None
