"""The engine's control socket: newline-delimited JSON over a Unix socket.

Protocol (one JSON object per line, UTF-8):

- request:  ``{"id": 7, "cmd": "ping", ...arguments}``
- reply:    ``{"id": 7, "ok": true, "result": {...}}`` or
            ``{"id": 7, "ok": false, "error": {"id": "unknown-command", "message": "..."}}``
- ``{"cmd": "subscribe"}`` turns the connection into an event stream after its reply:
  ``{"event": "call.started", "call_id": "...", "at": 1700000000.1, "leg": "", "data": {...}}``.
  Events are sent only after they are committed to the store.

Commands (see `appliance.engine.commands`): ``ping``, ``calls``, ``agents``, ``queues``,
``reload``, ``agent.state`` (extension, state), ``flow.publish`` (name, graph),
``flow.rollback`` (name, version), ``flow.versions`` (name), ``prompt.list``,
``prompt.upload``, ``prompt.tts``, ``prompt.delete`` (docs/prompts.md), ``health.live``,
``health.free_agent``, ``health.close_call`` (docs/watchdog.md).  An error may carry
``details`` (a refused flow's problems: ``[{"node": ..., "message": ...}]``).  This
module holds no pjsua2 code: the server hands each command to a thread-safe
``dispatch`` callable.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Dispatch = Callable[[str, dict[str, Any]], Any]
SUBSCRIBER_BACKLOG = 10000


class ControlError(Exception):
    """A command failed; carries the error id the engine sent, and details if any."""

    def __init__(self, error_id: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.error_id = error_id
        self.details = details  # e.g. the list of a refused flow's problems


class EngineUnavailable(ControlError):
    """The engine's control socket cannot be reached."""

    def __init__(self, path: str, cause: object) -> None:
        super().__init__("engine-unavailable", f"engine not reachable at {path}: {cause}")


class CommandError(ControlError):
    """Raised by a command handler to answer with a specific error id."""


class _Handler(socketserver.StreamRequestHandler):
    """Serve one control connection."""

    server: ControlServer

    def handle(self) -> None:
        """Answer requests until the peer closes or subscribes."""
        for raw in self.rfile:
            request = _parse(raw)
            if isinstance(request, dict) and request.get("cmd") == "subscribe":
                self._stream_events(request.get("id"))
                return
            self._send(self.server.answer(request))

    def _stream_events(self, request_id: Any) -> None:
        """Relay published events to this peer until it goes away."""
        inbox: queue.Queue[dict[str, Any] | None] = queue.Queue(SUBSCRIBER_BACKLOG)
        # Subscribed before the reply: every event after the reply reaches the peer.
        self.server.subscribers.add(inbox)
        try:
            self._send({"id": request_id, "ok": True, "result": {}})
            while (event := inbox.get()) is not None:
                self._send(event)
        except OSError:
            pass
        finally:
            self.server.subscribers.discard(inbox)

    def _send(self, message: dict[str, Any]) -> None:
        """Write one JSON line."""
        self.wfile.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        self.wfile.flush()


def _parse(raw: bytes) -> dict[str, Any] | str:
    """Return the request object, or an error text for a malformed line."""
    try:
        request = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"not a JSON line: {exc}"
    if not isinstance(request, dict) or not isinstance(request.get("cmd"), str):
        return 'a request is a JSON object with a "cmd" string'
    return request


class ControlServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The engine side of the control socket."""

    daemon_threads = True
    # socketserver's default backlog is 5: gunicorn's workers, their event streams, the
    # watchdog's checks and the CLI together overflow it while the engine starts, and a
    # client then gets EAGAIN (seen under the kill -9 load test).
    request_queue_size = 128

    def __init__(self, path: str | Path, dispatch: Dispatch) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a socket left by a killed engine
        super().__init__(str(path), _Handler)
        os.chmod(path, 0o660)
        self.dispatch = dispatch
        self.subscribers: set[queue.Queue[dict[str, Any] | None]] = set()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.1,), name="control", daemon=True
        )  # polls every 0.1 s: stop() waits for one poll
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, end event streams and remove the socket."""
        for inbox in list(self.subscribers):
            with contextlib.suppress(queue.Full):
                inbox.put_nowait(None)
        self.shutdown()
        self.server_close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.server_address)  # type: ignore[arg-type]

    def answer(self, request: dict[str, Any] | str) -> dict[str, Any]:
        """Return the reply to one request."""
        if isinstance(request, str):
            return {"id": None, "ok": False, "error": {"id": "bad-request", "message": request}}
        rid = request.get("id")
        args = {k: v for k, v in request.items() if k not in ("id", "cmd")}
        try:
            return {"id": rid, "ok": True, "result": self.dispatch(request["cmd"], args)}
        except ControlError as exc:
            return {"id": rid, "ok": False, "error": _error(exc)}
        except Exception as exc:  # the engine must answer, never drop the connection
            error = {"id": "internal-error", "message": f"{type(exc).__name__}: {exc}"}
            return {"id": rid, "ok": False, "error": error}

    def publish(self, event: dict[str, Any]) -> None:
        """Send an event to every subscriber; a subscriber that lags too far is cut off."""
        for inbox in list(self.subscribers):
            try:
                inbox.put_nowait(event)
            except queue.Full:
                self.subscribers.discard(inbox)


def _error(exc: ControlError) -> dict[str, Any]:
    """Return the error part of a reply (details only when the error has some)."""
    error = {"id": exc.error_id, "message": str(exc)}
    return error if exc.details is None else {**error, "details": exc.details}


class ControlClient:
    """The client side: web, scheduler, watchdog and tests use it."""

    def __init__(self, path: str | Path, timeout: float = 5.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._next_id = 0

    def _connect(self) -> socket.socket:
        """Return a connected socket or raise EngineUnavailable."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError as exc:
            sock.close()
            raise EngineUnavailable(self.path, exc.strerror or exc) from exc
        return sock

    def call(self, cmd: str, **args: Any) -> Any:
        """Send one command and return its result, raising ControlError on failure."""
        self._next_id += 1
        with self._connect() as sock, sock.makefile("rwb") as stream:
            stream.write(json.dumps({"id": self._next_id, "cmd": cmd, **args}).encode() + b"\n")
            stream.flush()
            try:
                line = stream.readline()
            except OSError as exc:
                raise EngineUnavailable(self.path, exc) from exc
        if not line:
            raise EngineUnavailable(self.path, "connection closed without a reply")
        reply = json.loads(line)
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise ControlError(
                error.get("id", "error"), error.get("message", "failed"), error.get("details")
            )
        return reply.get("result")

    def events(self, timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """Subscribe now; return an iterator of the events committed from then on.

        The subscription is in place when this returns, so a command sent next has
        its events in the stream.  The iterator ends when the engine goes away; with a
        timeout, a quiet period that long raises TimeoutError.
        """
        sock = self._connect()
        sock.settimeout(timeout)
        stream = sock.makefile("rwb")
        stream.write(b'{"id": 0, "cmd": "subscribe"}\n')
        stream.flush()
        stream.readline()  # the reply: subscribed
        return self._read_events(sock, stream)

    @staticmethod
    def _read_events(sock: socket.socket, stream: Any) -> Iterator[dict[str, Any]]:
        """Yield events from an open subscription, closing it at the end."""
        with sock, stream:
            for line in stream:
                yield json.loads(line)
