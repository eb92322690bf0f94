"""A subscription to the engine's events, read on its own thread so it can be cut off."""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
from typing import Any

from appliance.engine.control import ControlClient, ControlError

ENDED = object()  # put in the inbox when the engine stream ends or cannot be opened
INBOX_SIZE = 1000


class _AbortableClient(ControlClient):
    """A ControlClient whose event stream another thread can end."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.attempted = threading.Event()  # set once connecting succeeded or failed
        self.aborted = False
        self._sock: socket.socket | None = None

    @property
    def connected(self) -> bool:
        """Return true once the control socket was reached."""
        return self._sock is not None

    def _connect(self) -> socket.socket:
        """Connect, remembering the socket so abort() can shut it down."""
        sock = super()._connect()
        self._sock = sock
        if self.aborted:
            sock.shutdown(socket.SHUT_RDWR)
        self.attempted.set()
        return sock

    def abort(self) -> None:
        """Wake the reader: a shut-down socket reads as end of stream."""
        self.aborted = True
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)


class EngineFeed:
    """Engine events arriving in `inbox`, then ENDED when the engine goes away."""

    def __init__(self, socket_path: str) -> None:
        self.inbox: queue.Queue[Any] = queue.Queue(INBOX_SIZE)
        self._client = _AbortableClient(socket_path)
        self._thread = threading.Thread(target=self._read, name="engine-feed", daemon=True)

    def start(self, timeout: float = 2.0) -> bool:
        """Subscribe; return false if the engine could not be reached."""
        self._thread.start()
        self._client.attempted.wait(timeout)
        return self._client.connected

    def stop(self) -> None:
        """End the subscription; the reader thread exits."""
        self._client.abort()

    def get(self, timeout: float) -> Any:
        """Return the next event, ENDED, or None after timeout seconds of quiet."""
        try:
            return self.inbox.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None

    def _read(self) -> None:
        """Move events from the socket to the inbox until the stream ends."""
        try:
            for event in self._client.events():
                if not self._offer(event):
                    return
        except (ControlError, OSError, ValueError):
            pass
        finally:
            self._client.attempted.set()
            self._offer(ENDED)

    def _offer(self, item: Any) -> bool:
        """Put item in the inbox, waiting while it is full; false once the feed is stopped."""
        # A browser that lags keeps us waiting here; the engine then cuts this
        # subscriber off when its own backlog fills, which ends the stream.
        while not self._client.aborted:
            with contextlib.suppress(queue.Full):
                self.inbox.put(item, timeout=0.5)
                return True
        return False
