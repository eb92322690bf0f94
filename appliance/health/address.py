"""Turn a listen address into one a local client can connect to."""

from __future__ import annotations

WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def connect_host(listen: str) -> str:
    """Return the loopback address for a wildcard listen address, else listen itself."""
    return WILDCARDS.get(listen, listen)
