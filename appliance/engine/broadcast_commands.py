"""Control-socket command `broadcast`: relay a supervisor's message to every subscriber.

The web stores the message (`broadcast` table) and then asks the engine to publish it,
so every page's event stream (each relays the engine's events) gets it, whichever
web worker serves that page.  Nothing is written to the call events.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from appliance.engine.control import CommandError

MAX_TEXT = 500
Publish = Callable[[dict[str, Any]], None]


class BroadcastCommands:
    """Broadcast commands by name."""

    def __init__(self, publish: Publish) -> None:
        self.publish = publish
        self.table: dict[str, Callable[..., Any]] = {"broadcast": self.broadcast}

    def broadcast(
        self, text: str = "", sender: str = "", broadcast_id: int | None = None
    ) -> dict[str, Any]:
        """Publish event `broadcast` {id: broadcast_id (the stored row), text, from}; return it."""
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise CommandError("bad-args", f"text must be 1 to {MAX_TEXT} characters")
        if not isinstance(sender, str):
            raise CommandError("bad-args", "sender must be text")
        data = {"id": broadcast_id, "text": text.strip(), "from": sender}
        event = {"event": "broadcast", "call_id": "", "at": time.time(), "leg": "", "data": data}
        self.publish(event)
        return event
