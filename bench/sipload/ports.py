"""Pick the RTP port stretches that must not overlap: agents' echo, the engine, the callers."""

from __future__ import annotations

import random
import socket

from .const import ENGINE_RTP_RANGE
from .exceptions import RunBroke


def media_ports() -> dict[str, int]:
    """Return RTP port bases that do not overlap: agents' echo, engine range, callers."""
    for _ in range(100):
        ports = {
            "agents": random.randrange(12000, 19000, 2),
            "engine": random.randrange(20000, 40000 - ENGINE_RTP_RANGE, 2),
            "callers": random.randrange(41000, 50000, 2),  # room for 7500 calls above
        }
        if all(port_free(p) and port_free(p + 1) for p in ports.values()):
            return ports
    raise RunBroke("no free RTP ports found")


def port_free(port: int) -> bool:
    """Return true if UDP port on 127.0.0.1 can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
