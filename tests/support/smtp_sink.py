"""A real SMTP server on loopback for tests (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import contextlib
import email
import email.policy
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Sink:
    """The messages received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TOs)
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep one message (aiosmtpd's handler hook)."""
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait(self, count: int = 1, timeout: float = 20) -> list[EmailMessage]:
        """Return the messages once count have arrived (TimeoutError if they do not)."""
        end = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.messages)} of {count} e-mails arrived")
                self._arrived.wait(left)
            return list(self.messages)


@contextlib.contextmanager
def smtp_server(port: int) -> Iterator[Sink]:
    """Run an SMTP server on 127.0.0.1:port for the duration; yield what it receives."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
