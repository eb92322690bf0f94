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


MIN_FULL = 2  # never fewer full archives than this: each restores without any other


def expired_in_chain(bases: dict[str, str], keep: int) -> list[str]:
    """Return the archives to delete keeping the newest `keep` and every base they need.

    bases maps each archive name to its base ("" for a full archive).  Kept are the
    newest `keep` (at least MIN_KEEP), the chain of bases of each kept incremental
    archive, and older full archives until MIN_FULL full ones are kept.
    """
    ordered = sorted(bases)  # names sort by their UTC time stamp
    kept = set(ordered[-max(keep, MIN_KEEP) :])
    for name in list(kept):
        while bases.get(name) and bases[name] in bases and bases[name] not in kept:
            name = bases[name]
            kept.add(name)
    fulls = [n for n in reversed(ordered) if not bases[n]]
    for name in fulls:
        if sum(1 for n in kept if not bases[n]) >= MIN_FULL:
            break
        kept.add(name)
    return [n for n in ordered if n not in kept]
