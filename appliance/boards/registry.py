"""Find the board drivers, start the configured boards, and say how each one went.

`load` never raises for one board's trouble: a board with a bad config is `invalid`, one
whose hardware or library is absent `unavailable`, one that failed to open `failed`;
the others start. `write_status` leaves the result where the `boards` health check
reads it (`<run>/boards.json`).
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import os
import pkgutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.boards import drivers
from appliance.boards.base import Board, PortHealth
from appliance.boards.const import BoardState
from appliance.boards.exceptions import BoardConfigError, DriverUnavailable
from appliance.boards.schemas import validate

log = logging.getLogger(__name__)
STATUS_FILE = "boards.json"


@dataclass
class BoardStatus:
    """What became of one configured board."""

    name: str
    type: str
    state: BoardState
    detail: str = ""
    health: list[PortHealth] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the status as JSON-ready data."""
        return {
            "name": self.name,
            "type": self.type,
            "state": self.state.value,
            "detail": self.detail,
            "ports": [h.as_dict() for h in self.health],
        }


@functools.cache
def _scan() -> tuple[dict[str, type[Board]], dict[str, str]]:
    """Import every driver module once: the drivers found, and the modules that failed."""
    found: dict[str, type[Board]] = {}
    failed: dict[str, str] = {}
    for info in pkgutil.iter_modules(drivers.__path__):
        try:
            module = importlib.import_module(f"{drivers.__name__}.{info.name}")
        except ImportError as error:  # its library is not installed: its boards are skipped
            log.warning("board driver %s cannot load: %s", info.name, error)
            failed[info.name] = str(error)
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Board) and value.type_key:
                found[value.type_key] = value
    return found, failed


def discover() -> dict[str, type[Board]]:
    """Return every driver in `appliance/boards/drivers/`, keyed by its type."""
    return dict(_scan()[0])


def unloadable() -> dict[str, str]:
    """Return the driver modules that failed to import (named as their type), with why."""
    return dict(_scan()[1])


class Registry:
    """The boards the box runs, started from their configs."""

    def __init__(self, available: Mapping[str, type[Board]] | None = None) -> None:
        """Use the given drivers (default: the discovered ones)."""
        self.drivers = dict(discover() if available is None else available)
        self.unloadable = unloadable() if available is None else {}
        self.boards: dict[str, Board] = {}
        self.status: dict[str, BoardStatus] = {}

    def load(self, configs: list[Mapping[str, Any]]) -> list[BoardStatus]:
        """Start every board in configs; return each one's status, in order."""
        return [self.load_one(i, raw) for i, raw in enumerate(configs)]

    def load_one(self, index: int, raw: Mapping[str, Any]) -> BoardStatus:
        """Start one board and record its status."""
        name = str(raw.get("name") or f"board{index + 1}") if isinstance(raw, Mapping) else ""
        kind = str(raw.get("type", "")) if isinstance(raw, Mapping) else ""
        try:
            board = self._start(name, kind, raw)
        except BoardConfigError as error:
            status = BoardStatus(name, kind, BoardState.INVALID, str(error))
        except DriverUnavailable as error:
            status = BoardStatus(name, kind, BoardState.UNAVAILABLE, str(error))
        except Exception as error:  # a driver's bug or a device error: report, go on
            log.exception("board %s (%s) failed to start", name, kind)
            status = BoardStatus(name, kind, BoardState.FAILED, f"{type(error).__name__}: {error}")
        else:
            self.boards[name] = board
            status = BoardStatus(name, kind, BoardState.READY, "", board.health())
        if status.state is not BoardState.READY:
            log.warning("board %s skipped (%s): %s", name, status.state, status.detail)
        self.status[name or f"#{index + 1}"] = status
        return status

    def _start(self, name: str, kind: str, raw: Any) -> Board:
        """Validate, check availability, build and open one board."""
        if not isinstance(raw, Mapping):
            raise BoardConfigError(f"board #{name}: a board is a mapping, got {raw!r}")
        if name in self.boards:
            raise BoardConfigError(f"board {name}: the name is used twice")
        driver = self.drivers.get(kind)
        if driver is None and kind in self.unloadable:
            raise DriverUnavailable(f"the {kind} driver cannot load: {self.unloadable[kind]}")
        if driver is None:
            known = ", ".join(sorted(self.drivers)) or "none"
            raise BoardConfigError(f"board {name}: unknown type {kind!r}; known: {known}")
        config = validate(raw, driver.SCHEMA, name)
        driver.check_available(config)
        board = driver(name, config)
        try:
            board.open()
        except BaseException:
            board.close()
            raise
        return board

    def refresh(self) -> list[BoardStatus]:
        """Poll every running board and read its health into its status."""
        for name, board in self.boards.items():
            try:
                board.poll()
            except Exception:  # a driver's bug: its last health stands, the others go on
                log.exception("board %s: poll failed", name)
            self.status[name].health = board.health()
        return list(self.status.values())

    def drop(self, name: str, detail: str) -> BoardStatus:
        """Close a running board whose device went away; it is `unavailable` from now on."""
        board = self.boards.pop(name)
        board.close()
        status = BoardStatus(name, board.type_key, BoardState.UNAVAILABLE, detail)
        self.status[name] = status
        return status

    def close(self) -> None:
        """Close every running board."""
        for board in self.boards.values():
            board.close()
        self.boards.clear()


def write_status(run_dir: Path, statuses: list[BoardStatus]) -> Path:
    """Write the boards' status atomically to <run>/boards.json and return its path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    target = run_dir / STATUS_FILE
    data = json.dumps({"boards": [s.as_dict() for s in statuses]}, indent=1)
    fd, temp = tempfile.mkstemp(dir=run_dir, prefix=".boards.")
    with os.fdopen(fd, "w") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temp, 0o600)
    os.replace(temp, target)
    return target


def announce_new(
    statuses: list[BoardStatus], known_file: Path, fire: Callable[[BoardStatus], None]
) -> list[str]:
    """Call fire for each ready board not seen before (remembered in known_file)."""
    known = set(json.loads(known_file.read_text())) if known_file.exists() else set()
    new = [s for s in statuses if s.state is BoardState.READY and s.name not in known]
    for status in new:
        fire(status)
        known.add(status.name)
    if new:
        known_file.parent.mkdir(parents=True, exist_ok=True)
        known_file.write_text(json.dumps(sorted(known)))
    return [s.name for s in new]
