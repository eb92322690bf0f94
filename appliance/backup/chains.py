"""Which recordings a schedule's chain of archives holds: the index an increment builds on.

`<var>/backup/chains/<schedule id>.json` names the chain's newest archive and the
signature (size, mtime in ns) of every recording the chain holds.  The next incremental
archive carries each recording that is not in it or changed — by file, whatever its
time — and the index is written again only once that archive is on its target.  An
index lost, or naming another archive than the newest, makes the next archive full.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from appliance.backup.archive import Signature
from appliance.config import Settings
from appliance.supervisor.statefile import read_json, write_json_atomic


def path_of(settings: Settings, schedule_id: int) -> Path:
    """Return the index file of a schedule's chain."""
    return settings.var / "backup" / "chains" / f"{schedule_id}.json"


def known(settings: Settings, schedule_id: int, newest: str) -> dict[str, Signature] | None:
    """Return the recordings the chain ending at `newest` holds (None: unknown, go full)."""
    document = read_json(path_of(settings, schedule_id))
    if not isinstance(document, dict) or document.get("archive") != newest:
        return None
    recordings = document.get("recordings")
    if not isinstance(recordings, dict):
        return None
    return {str(k): (int(v[0]), int(v[1])) for k, v in recordings.items()}


def save(settings: Settings, schedule_id: int, archive: str, seen: dict[str, Signature]) -> None:
    """Record that the chain now ends at archive and holds the recordings seen."""
    path = path_of(settings, schedule_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    recordings = {k: list(v) for k, v in sorted(seen.items())}
    write_json_atomic(path, {"archive": archive, "recordings": recordings})


def forget(settings: Settings, schedule_id: int) -> None:
    """Remove a deleted schedule's index."""
    with contextlib.suppress(FileNotFoundError):
        path_of(settings, schedule_id).unlink()
