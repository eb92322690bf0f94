"""Make a release tree from a source checkout: the packages, the hooks, bin/callbox.

A release made this way runs on an interpreter that already has callbox's
dependencies: the release's own `venv/` if one is added, else the prefix's shared
`<prefix>/venv/` (the image's runtime), else `$CALLBOX_PYTHON` (`callbox upgrade`
sets it to its own interpreter), else `python3`.
Its `bin/callbox` puts the release first on the import path and nothing else (`-P`:
not the working directory), so each release runs its own code.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from appliance.upgrade.bundle import SKIPPED, check_version
from appliance.upgrade.const import ENTRY_POINT
from appliance.upgrade.exceptions import UpgradeError

PARTS = ("appliance", "web", "firmware_hooks")
VERSION_LINE = re.compile(r'^__version__ = ".*"$', re.MULTILINE)
WRAPPER = """#!/bin/sh
# callbox of the release this file belongs to (docs/upgrade.md)
here=$(cd "$(dirname "$0")/.." && pwd -P)
if [ -x "$here/venv/bin/python" ]; then python="$here/venv/bin/python"
elif [ -x "$here/../../venv/bin/python" ]; then python="$here/../../venv/bin/python"
else python="${CALLBOX_PYTHON:-python3}"; fi
PYTHONPATH="$here" exec "$python" -P -m appliance.cli "$@"
"""


def from_source(source: Path, dest: Path, version: str, parts: tuple[str, ...] = PARTS) -> Path:
    """Copy the parts of a checkout into dest as release `version` and return dest."""
    check_version(version, str(dest))
    if not (source / "appliance" / "__init__.py").is_file():
        raise UpgradeError(f"{source}: not a callbox source tree (no appliance/__init__.py)")
    if dest.exists():
        raise UpgradeError(f"{dest} exists: give a new folder for the release tree")
    ignore = shutil.ignore_patterns(*SKIPPED, "*.pyc")
    for part in parts:
        shutil.copytree(source / part, dest / part, ignore=ignore)
    init = dest / "appliance" / "__init__.py"
    text, found = VERSION_LINE.subn(f'__version__ = "{version}"', init.read_text())
    if found != 1:
        raise UpgradeError(f'{init}: no `__version__ = "..."` line to set the version in')
    init.write_text(text)
    command = dest / ENTRY_POINT
    command.parent.mkdir(parents=True)
    command.write_text(WRAPPER, encoding="utf-8")
    command.chmod(0o755)
    return dest
