"""Backup targets: one module per kind of place archives go, discovered by scanning this package.

The contract of a target module (add a file here; nothing else to register):

- ``TARGET`` — a subclass of `appliance.backup.targets.base.Target` whose ``kind`` is
  the name stored in `BackupTarget.kind` (``local``, ``usb``, ``sftp``).

A module whose library is missing is left out (logged), never crashing the box.
"""

from __future__ import annotations

import functools
import importlib
import logging
import pkgutil
from typing import Any

from appliance.backup.exceptions import BackupError
from appliance.backup.targets.base import Target
from appliance.config import Settings

log = logging.getLogger(__name__)


@functools.cache
def discover() -> dict[str, type[Target]]:
    """Return every target kind in this package, keyed by kind (scanned once)."""
    found: dict[str, type[Target]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except ImportError as exc:
            log.error("backup target %s left out: %s", info.name, exc)
            continue
        found[module.TARGET.kind] = module.TARGET
    return dict(sorted(found.items()))


def open_target(
    kind: str, options: dict[str, Any], secrets: dict[str, str], settings: Settings
) -> Target:
    """Return a target of kind with its options (not yet connected: use it in a with block)."""
    kinds = discover()
    if kind not in kinds:
        raise BackupError(f"unknown backup target kind {kind!r} (known: {', '.join(kinds)})",
                          "unknown-target")  # fmt: skip
    return kinds[kind](options, secrets, settings)
