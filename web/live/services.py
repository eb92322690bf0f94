"""The live board: a snapshot from the engine, then its events relayed as Server-Sent Events."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from appliance.engine.control import ControlClient, ControlError
from web.live.feed import ENDED, EngineFeed
from web.live.schemas import Board

REFRESH_SECONDS = 0.5  # at most one fresh snapshot per stream this often during bursts
KEEPALIVE_COMMENT = ": keep-alive\n\n"


def fetch_board(socket_path: str, timeout: float = 2.0) -> Board | None:
    """Return the engine's live calls and agents, or None when the engine is not running."""
    client = ControlClient(socket_path, timeout=timeout)
    try:
        calls = client.call("calls") or {}
        agents = client.call("agents") or {}
    except (ControlError, OSError, ValueError):
        return None
    return {"calls": list(calls.get("calls", [])), "agents": list(agents.get("agents", []))}


def sse(data: Any, event: str | None = None) -> str:
    """Return one Server-Sent Event carrying data as JSON (one line, no newlines)."""
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def relayed(event: Any) -> str:
    """Return an engine event as SSE: `broadcast` {id, text, from, at} named, others verbatim."""
    if isinstance(event, dict) and event.get("event") == "broadcast":
        data = event.get("data") or {}
        fields = {k: data.get(k) for k in ("id", "text", "from")}
        return sse({**fields, "at": event.get("at")}, "broadcast")
    return sse(event)


class LiveStream:
    """The body of /live/events.

    Sends `retry:`, then a `snapshot` event (the board, with its HTML), then every
    engine event verbatim as an unnamed message, a fresh `snapshot` after events
    (coalesced), and a keep-alive comment with a resynchronising snapshot after
    `keepalive` seconds of quiet.  A supervisor's broadcast comes as a named `broadcast`
    event {id, text, from, at} (docs/web.md).  When the engine is down or goes away it sends
    `engine-down` and ends; the browser reconnects after `retry` milliseconds.
    """

    def __init__(
        self,
        socket_path: str,
        render: Callable[[Board], dict[str, str]],
        down_message: str,
        keepalive: float = 15.0,
        retry_ms: int = 5000,
    ) -> None:
        self.socket_path = socket_path
        self.render = render
        self.down_message = down_message
        self.keepalive = keepalive
        self.retry_ms = retry_ms

    def __iter__(self) -> Iterator[str]:
        """Yield the stream's text; stopping iteration ends the engine subscription."""
        yield f"retry: {self.retry_ms}\n\n"
        feed = EngineFeed(self.socket_path)
        try:
            snapshot = self._snapshot() if feed.start() else None
            if snapshot is None:
                yield self._down()
                return
            yield snapshot
            yield from self._relay(feed)
        finally:
            feed.stop()

    def _relay(self, feed: EngineFeed) -> Iterator[str]:
        """Yield events, snapshots and keep-alives until the engine goes away."""
        dirty = False
        last_write = last_refresh = time.monotonic()
        while True:
            item = feed.get(self._wait(dirty, last_write, last_refresh))
            if item is ENDED:
                yield self._down()
                return
            now = time.monotonic()
            if item is not None:
                yield relayed(item)
                dirty, last_write = True, now
            if dirty and now - last_refresh >= REFRESH_SECONDS:
                snapshot = self._snapshot()
                yield snapshot or self._down()
                if snapshot is None:
                    return
                dirty, last_write, last_refresh = False, now, now
            elif now - last_write >= self.keepalive:
                yield KEEPALIVE_COMMENT
                dirty, last_write = True, now  # resynchronise the board on the next turn

    def _wait(self, dirty: bool, last_write: float, last_refresh: float) -> float:
        """Return how long to wait for the next event before acting."""
        deadline = last_write + self.keepalive
        if dirty:
            deadline = min(deadline, last_refresh + REFRESH_SECONDS)
        return deadline - time.monotonic()

    def _snapshot(self) -> str | None:
        """Return the `snapshot` event, or None when the engine does not answer."""
        board = fetch_board(self.socket_path)
        if board is None:
            return None
        return sse({"engine": "running", **board, "html": self.render(board)}, "snapshot")

    def _down(self) -> str:
        """Return the `engine-down` event."""
        return sse({"engine": "down", "message": self.down_message}, "engine-down")
