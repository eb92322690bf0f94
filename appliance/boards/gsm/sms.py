"""Incoming SMS kept in a JSON-lines file (one message a line), appended atomically.

A file, not a store table: the channel that will use them (issue 10, "a channel for
later") does not exist yet, and a JSON-lines file needs no migration to grow into one.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any


class SmsStore:
    """Append-only messages at path: {"port", "sender", "sent", "text", "received"}."""

    def __init__(self, path: Path) -> None:
        """Keep messages in path (its folder is made when the first one comes)."""
        self.path = path
        self._lock = threading.Lock()

    def add(self, port: str, sender: str, sent: str, text: str) -> dict[str, Any]:
        """Append one message and return it."""
        message = {"port": port, "sender": sender, "sent": sent, "text": text}
        message["received"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        line = json.dumps(message, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))  # one write: a line is never torn
            finally:
                os.close(fd)
        return message

    def all(self) -> list[dict[str, Any]]:
        """Return every stored message, oldest first."""
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
