"""Relay children's output to the supervisor's stdout, one prefixed line at a time."""

from __future__ import annotations

import sys
import threading
from typing import IO, TextIO

NAME_WIDTH = 9  # "scheduler" is the longest service name


class OutputSink:
    """Write lines from many services to one stream without interleaving them."""

    def __init__(self, stream: TextIO | None = None) -> None:
        """Write to stream (default: this process's stdout)."""
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def line(self, name: str, text: str) -> None:
        """Write text as one line prefixed with name."""
        with self._lock:
            try:
                self.stream.write(f"{name:<{NAME_WIDTH}} | {text.rstrip()}\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass  # a closed terminal must not take the supervisor down

    def pump(self, name: str, pipe: IO[bytes]) -> threading.Thread:
        """Start a thread relaying pipe's lines under name until the pipe closes."""
        thread = threading.Thread(
            target=self._relay, args=(name, pipe), name=f"output-{name}", daemon=True
        )
        thread.start()
        return thread

    def _relay(self, name: str, pipe: IO[bytes]) -> None:
        """Copy lines from pipe until end of file."""
        with pipe:
            for raw in iter(pipe.readline, b""):
                self.line(name, raw.decode("utf-8", errors="replace"))
