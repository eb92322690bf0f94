"""Helpers of the web tests: a stand-in engine, logging in, reading Server-Sent Events."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask.testing import FlaskClient

from appliance.engine.control import CommandError, ControlServer

PASSWORD = "correct horse battery staple"


class StandInEngine:
    """A control socket answering like the engine, with calls and agents set by the test."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.calls: list[dict[str, Any]] = []
        self.agents: list[dict[str, Any]] = []
        self.commands: dict[str, Callable[..., Any]] = {}  # more commands, set by a test
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.server = ControlServer(path, self.dispatch)

    def dispatch(self, cmd: str, args: dict[str, Any]) -> Any:
        """Answer one command."""
        self.received.append((cmd, args))
        if cmd in self.commands:
            return self.commands[cmd](**args)
        if cmd == "ping":
            return {"pid": 4242, "uptime": 12.5}
        if cmd == "calls":
            return {"calls": self.calls}
        if cmd == "agents":
            return {"agents": self.agents}
        raise CommandError("unknown-command", f"unknown command {cmd}")

    def publish(self, event: dict[str, Any]) -> None:
        """Send an event to every subscriber."""
        self.server.publish(event)

    def wait_for_subscribers(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until count clients subscribed to events."""
        wait_until(lambda: len(self.server.subscribers) >= count, timeout)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll condition until true, failing the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def csrf_from(html: str) -> str:
    """Return the CSRF token of a page's form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str, **extra: str) -> Any:
    """Submit the login form as a browser would."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    form = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=form)


def parse_sse(text: str) -> list[dict[str, Any]]:
    """Return the complete events in text: {"event", "data", "comment", "retry"} per block."""
    events = []
    for block in text.split("\n\n")[:-1]:
        event: dict[str, Any] = {"event": None, "data": None, "comment": None, "retry": None}
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "":
                event["comment"] = value
            elif field in ("event", "retry"):
                event[field] = value
            elif field == "data":
                event["data"] = json.loads(value)
        events.append(event)
    return events


class SseReader:
    """Reads a streaming response chunk by chunk and hands out whole events."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._text = ""
        self.seen: list[dict[str, Any]] = []

    def next_event(self) -> dict[str, Any] | None:
        """Return the next event, or None when the stream ended."""
        while "\n\n" not in self._text:
            chunk = next(self._chunks, None)
            if chunk is None:
                return None
            self._text += chunk.decode() if isinstance(chunk, bytes) else chunk
        block, self._text = self._text.split("\n\n", 1)
        event = parse_sse(block + "\n\n")[0]
        self.seen.append(event)
        return event

    def until(self, match: Callable[[dict[str, Any]], bool], limit: int = 200) -> dict[str, Any]:
        """Return the first event matching, failing if the stream ends or runs long first."""
        for _ in range(limit):
            event = self.next_event()
            if event is None:
                raise AssertionError(f"stream ended; seen: {self.seen}")
            if match(event):
                return event
        raise AssertionError(f"no matching event in {limit}; seen: {self.seen}")
