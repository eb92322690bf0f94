"""Start the configured boards, leave their status for the watchdog, fire `board-added`.

A board is "added" the first time it comes up ready on this box: the names seen are
kept in `<var>/boards-known.json`, so a restart does not fire the hook again while a
new board (or one renamed) does. The hook gets CALLBOX_HOOK_BOARD and
CALLBOX_HOOK_BOARD_TYPE (docs/hooks.md); a failing hook is logged, the board still runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appliance.boards.registry import BoardStatus, Registry, announce_new, write_status
from appliance.config import Settings
from appliance.hooks.const import Event
from appliance.hooks.runner import run_event

KNOWN_FILE = "boards-known.json"


def start_boards(settings: Settings, configs: list[Mapping[str, Any]]) -> Registry:
    """Load every board, write <run>/boards.json, run board-added for boards new here."""
    registry = Registry()
    statuses = registry.load(configs)
    write_status(settings.run_dir, statuses)
    announce_new(statuses, settings.var / KNOWN_FILE, lambda s: _fire(settings, s))
    return registry


def _fire(settings: Settings, status: BoardStatus) -> None:
    """Run the board-added hooks for one board."""
    extra = {"BOARD": status.name, "BOARD_TYPE": status.type}
    run_event(settings, Event.BOARD_ADDED.value, extra)
