"""Helpers for the board tests: a gsm config for a simulated module, waiting for events."""

from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any

from modem_sim import ModemSimulator

from appliance.boards.base import PortEvent
from appliance.boards.const import EventKind
from appliance.boards.drivers.gsm import GsmBoard
from appliance.boards.schemas import validate


def gsm_config(sim: ModemSimulator, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """Return a validated gsm board config for the simulator, with short timeouts."""
    raw = {"device": sim.path, "command_timeout": 0.5, "answer_timeout": 1.0}
    raw["sms_file"] = str(tmp_path / "sms.jsonl")
    return validate({**raw, **extra}, GsmBoard.SCHEMA, "mobile")


def next_event(events: queue.Queue[PortEvent], kind: EventKind, timeout: float = 2.0) -> PortEvent:
    """Return the next event of kind, skipping others; fail after timeout."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = events.get(timeout=left)
        except queue.Empty:
            break
        if event.kind is kind:
            return event
    raise AssertionError(f"no {kind} event within {timeout} s")


def wait_for(condition: Any, timeout: float = 2.0) -> None:
    """Wait until condition() is true; fail after timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
