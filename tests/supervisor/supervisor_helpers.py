"""Helpers for supervisor tests: free ports, waiting, reading supervisor.json."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PORT_ENV = (
    "CALLBOX_WEB__PORT",
    "CALLBOX_SIP__PORT",
    "CALLBOX_ENGINE__PORT",
    "CALLBOX_ENGINE__TRUNK_PORT",
)


def free_port() -> int:
    """Return a port free on 127.0.0.1 for both TCP and UDP right now."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port


def free_rtp_base(span: int = 200) -> int:
    """Return the start of a run of `span` UDP ports that look free (a random high range)."""
    import random

    return random.randrange(30000, 60000 - span, 2)


def wait_for(what: str, probe: Callable[[], Any], timeout: float, interval: float = 0.2) -> Any:
    """Return probe()'s first truthy value, failing with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def read_state(var: Path) -> dict[str, Any] | None:
    """Return supervisor.json, or None while it is missing."""
    try:
        return json.loads((var / "run" / "supervisor.json").read_text())
    except (OSError, ValueError):
        return None
