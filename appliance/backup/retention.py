"""Which archives a target keeps: the newest N, never fewer than two."""

from __future__ import annotations

import re
from pathlib import Path

MIN_KEEP = 2  # a broken newest archive must still leave one that restores
NAME = re.compile(r"^callbox-\d{8}-\d{6}\.tar(\.enc)?$")


def archives(folder: Path) -> list[Path]:
    """Return the finished archives in a folder, oldest first (partial ones are dot-names)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and NAME.match(p.name))


def expired(names: list[str], keep: int) -> list[str]:
    """Return the archive names to delete when keeping the newest `keep` (at least 2)."""
    keep = max(keep, MIN_KEEP)
    ordered = sorted(names)  # names sort by their UTC time stamp
    return ordered[:-keep] if len(ordered) > keep else []
