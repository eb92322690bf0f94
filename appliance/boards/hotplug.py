"""Start the configured boards, leave their status for the watchdog, fire `board-added`.

A board is "added" the first time it comes up ready on this box: the names seen are
kept in `<var>/boards-known.json`, so a restart does not fire the hook again while a
new board (or one renamed) does. The hook gets CALLBOX_HOOK_BOARD and
CALLBOX_HOOK_BOARD_TYPE (docs/hooks.md); a failing hook is logged, the board still runs.

`rescan` is what a hot-plug event does (udev runs `callbox boards hotplug`, which asks
the engine): a running board whose device has gone (or was lost under it) is closed and
`unavailable`, then tried again at once (a module unplugged and plugged back before the
rescan comes back on the same path); a configured board that is not running is tried
again, and fires `board-added` if it is new here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from appliance.boards.base import Board
from appliance.boards.const import BoardState
from appliance.boards.registry import BoardStatus, Registry, announce_new, write_status
from appliance.config import Settings
from appliance.hooks.const import Event
from appliance.hooks.runner import run_event

log = logging.getLogger(__name__)
KNOWN_FILE = "boards-known.json"


@dataclass
class Rescan:
    """What a rescan changed: boards that came up, boards that went."""

    added: list[Board] = field(default_factory=list)
    removed: list[Board] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)  # every board, after it


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


def rescan(settings: Settings, registry: Registry, configs: list[Mapping[str, Any]]) -> Rescan:
    """Close the boards whose device went, start the configured ones not running; write
    <run>/boards.json and run board-added for boards new here."""
    changed = Rescan()
    for index, raw in enumerate(configs):
        name = str(raw.get("name") or f"board{index + 1}") if isinstance(raw, Mapping) else ""
        board = registry.boards.get(name)
        if board is not None and not board.present():
            log.warning("board %s: its device is gone; closed", name)
            gone = registry.drop(name, "its device was removed (hot-plug)")
            changed.removed.append(board)
            if registry.load_one(index, raw).state is not BoardState.READY:
                registry.status[name] = gone  # not back (yet): say why it went
                continue
            log.info("board %s: its device is back", name)  # unplugged and plugged again
            changed.added.append(registry.boards[name])
        elif board is None:
            status = registry.load_one(index, raw)
            if status.state is BoardState.READY:
                log.info("board %s: came up on a rescan", name)
                changed.added.append(registry.boards[name])
    statuses = list(registry.status.values())
    write_status(settings.run_dir, statuses)
    changed.statuses = [s.as_dict() for s in statuses]
    fresh = [registry.status[b.name] for b in changed.added]
    announce_new(fresh, settings.var / KNOWN_FILE, lambda s: _fire(settings, s))
    return changed
