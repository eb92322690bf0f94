"""Wipe the box's data for a factory reset, keeping the installed image and configuration.

Everything the box wrote goes: the database (with its write-ahead log), recordings,
prompts, voicemail, backups, secrets, the TLS certificate, logs.  A folder that holds
the running code, the installed releases, the configuration or the local hooks is
refused as a whole rather than emptied, so a `paths.var` set to `/` or `/opt` cannot
take the image with it.  The box must be stopped.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from appliance.backup.restore import box_running
from appliance.config import DEFAULT_CONFIG_FILE, ENV_PREFIX, Settings
from appliance.hooks.discovery import CODE_ROOT
from appliance.hooks.exceptions import HookError


def kept(settings: Settings) -> list[Path]:
    """Return the paths a factory reset must never delete."""
    config = Path(os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_FILE)
    return [
        CODE_ROOT,
        Path(settings.upgrade.prefix),
        config.parent,
        Path(settings.hooks.local),
        Path(settings.upgrade.keys),
    ]


def doomed(settings: Settings) -> list[Path]:
    """Return the folders and files a factory reset deletes, the state folder last."""
    database = Path(settings.paths.database)
    files = [database, *(Path(f"{database}{s}") for s in ("-wal", "-shm", "-journal"))]
    folders = [Path(p) for name, p in settings.paths.items() if name not in ("var", "database")]
    return [*files, *folders, settings.var]


def check_safe(settings: Settings, targets: list[Path]) -> None:
    """Raise HookError if a target is or holds something the reset keeps."""
    for target in targets:
        resolved = target.resolve()
        for keep in kept(settings):
            held = keep.resolve()
            if resolved == held or resolved in held.parents:
                raise HookError(
                    f"factory reset refused: {target} holds {keep}, which a reset keeps; "
                    "set paths.var (and the other paths) to folders of their own"
                )


def wipe(settings: Settings) -> list[Path]:
    """Delete the box's data and return what was deleted; refuse while the box runs."""
    if box_running(settings):
        raise HookError("the box is running: stop it first, then reset it")
    targets = doomed(settings)
    check_safe(settings, targets)
    removed = []
    for target in targets:
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        else:
            continue
        removed.append(target)
    return removed
