"""The agent's own event stream: the engine's events about this agent, and their messages.

Relayed from the engine like the live page's (`web.live.feed.EngineFeed`), but only
what concerns one extension: its `agent.*` events (ringing: the screen pop), calls
transferred or conferenced to it, the `dial.*` events of its click-to-dial calls,
and every later event of a call it
took part in (held, transferred, ended).  Internal messages are stored by the web
process, not the engine: the stream looks for new ones every few seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from web.live.feed import ENDED, EngineFeed
from web.live.services import KEEPALIVE_COMMENT, sse

MESSAGE_POLL_SECONDS = 2.0
MAX_CALLS_KEPT = 200


class AgentStream:
    """The body of /agent/events for one extension.

    Sends `retry:`, `hello` (the extension), then each engine event concerning the
    extension as an unnamed message, `inbox` events for new internal messages,
    and a keep-alive comment after `keepalive` seconds of quiet; `engine-down` and
    the end when the engine is not there or goes away.
    """

    def __init__(
        self,
        socket_path: str,
        extension: str,
        new_messages: Callable[[int], list[dict[str, Any]]],
        down_message: str,
        keepalive: float = 15.0,
        retry_ms: int = 5000,
        last_message: int = 0,
    ) -> None:
        self.socket_path = socket_path
        self.extension = extension
        self.new_messages = new_messages
        self.down_message = down_message
        self.keepalive = keepalive
        self.retry_ms = retry_ms
        self.last_message = last_message
        self.calls: list[str] = []  # calls this agent is in, oldest first

    def __iter__(self) -> Iterator[str]:
        """Yield the stream's text; stopping iteration ends the engine subscription."""
        yield f"retry: {self.retry_ms}\n\n"
        feed = EngineFeed(self.socket_path)
        try:
            if not feed.start():
                yield self._down()
                return
            yield sse({"engine": "running", "extension": self.extension}, "hello")
            yield from self._relay(feed)
        finally:
            feed.stop()

    def _relay(self, feed: EngineFeed) -> Iterator[str]:
        """Yield this agent's events, messages and keep-alives until the engine goes away."""
        last_write = last_poll = time.monotonic()
        while True:
            item = feed.get(min(MESSAGE_POLL_SECONDS, self.keepalive))
            if item is ENDED:
                yield self._down()
                return
            now = time.monotonic()
            if isinstance(item, dict) and self.concerns(item):
                yield sse(item)
                last_write = now
            if now - last_poll >= MESSAGE_POLL_SECONDS:
                last_poll = now
                for message in self.new_messages(self.last_message):
                    self.last_message = max(self.last_message, int(message["id"]))
                    yield sse(message, "inbox")
                    last_write = now
            if now - last_write >= self.keepalive:
                yield KEEPALIVE_COMMENT
                last_write = now

    def concerns(self, event: dict[str, Any]) -> bool:
        """Return true if the event is about this agent or one of their calls."""
        if not self.extension:
            return False
        data = event.get("data") or {}
        call_id = str(event.get("call_id") or "")
        mine = (
            data.get("agent") == self.extension
            or data.get("to") == f"agent:{self.extension}"  # a transfer or conference to me
            or (not call_id and event.get("leg") == self.extension)
        )
        if mine and call_id and call_id not in self.calls:
            self.calls = [*self.calls[-MAX_CALLS_KEPT:], call_id]
        return mine or (bool(call_id) and call_id in self.calls)

    def _down(self) -> str:
        """Return the `engine-down` event."""
        return sse({"engine": "down", "message": self.down_message}, "engine-down")
