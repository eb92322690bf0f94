"""Hold services stopped for a while: a restore asks the supervisor through a file.

A process that must have services down (a restore from the web replaces the database
under them) writes `<run>/hold.json` — the services, why, and when the hold lapses —
and removes it when done.  The supervisor stops the held services, starts nothing of
them while the hold stands, and starts them again when the file goes or lapses: a
holder that dies cannot leave the box down for longer than its hold.  The holder keeps
a long hold alive by writing it again (`hold` with a new lapse time).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from appliance.supervisor.statefile import read_json, write_json_atomic

HOLD_FILE = "hold.json"


def hold_path(run_dir: Path | str) -> Path:
    """Return the hold file's path."""
    return Path(run_dir) / HOLD_FILE


def hold(run_dir: Path | str, services: list[str], reason: str, seconds: float) -> None:
    """Ask the supervisor to keep services stopped for the next `seconds` (or until released)."""
    document = {"services": services, "reason": reason, "until": time.time() + seconds}
    write_json_atomic(hold_path(run_dir), document)


def release(run_dir: Path | str) -> None:
    """Let the supervisor start the held services again."""
    with contextlib.suppress(FileNotFoundError):
        hold_path(run_dir).unlink()


def held(run_dir: Path | str, now: float | None = None) -> set[str]:
    """Return the services held now (none when there is no hold, or it lapsed)."""
    document = read_json(hold_path(run_dir))
    now = time.time() if now is None else now
    if not isinstance(document, dict) or float(document.get("until") or 0) < now:
        return set()
    return {str(name) for name in document.get("services") or []}
