"""Bytes to and from the modem's serial port, cut into lines on a reader thread.

Kept apart from the AT protocol: it knows nothing of commands, only lines. A line is
what lies between CR/LF; empty lines are dropped; bytes that are not UTF-8 are
replaced (a noisy line must not kill the reader).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import serial

from appliance.boards.exceptions import DriverUnavailable

log = logging.getLogger(__name__)
READ_POLL_SECONDS = 0.05
MAX_LINE = 4096  # a line longer than this is noise: it is cut and delivered


class SerialTransport:
    """A serial port read on its own thread; each line goes to `on_line`."""

    def __init__(self, device: str, baudrate: int) -> None:
        """Remember where the modem is; open() opens it."""
        self.device = device
        self.baudrate = baudrate
        self.on_line: Callable[[str], None] = lambda line: None
        self.on_lost: Callable[[str], None] = lambda reason: None
        self._serial: serial.Serial | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._buffer = b""

    def open(self) -> None:
        """Open the port and start reading; raise DriverUnavailable if it is not there."""
        try:
            self._serial = serial.serial_for_url(
                self.device, baudrate=self.baudrate, timeout=READ_POLL_SECONDS
            )
        except (serial.SerialException, OSError, ValueError) as error:
            raise DriverUnavailable(f"serial port {self.device}: {error}") from None
        self._stop.clear()
        self._thread = threading.Thread(target=self._read_loop, name="gsm-reader", daemon=True)
        self._thread.start()

    def write(self, data: bytes) -> None:
        """Send bytes to the modem."""
        if self._serial is None:
            raise OSError(f"serial port {self.device} is not open")
        self._serial.write(data)

    def close(self) -> None:
        """Stop reading and close the port; never raises."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        if self._serial is not None:
            try:
                self._serial.close()
            except Exception:
                log.debug("closing %s failed", self.device, exc_info=True)
        self._serial = None

    def _read_loop(self) -> None:
        """Read until stopped, handing out whole lines; report a lost port once."""
        assert self._serial is not None
        while not self._stop.is_set():
            try:
                # read(1) returns as soon as a byte comes; then take what else is there
                chunk = self._serial.read(1)
                if chunk:
                    chunk += self._serial.read(self._serial.in_waiting)
            except (serial.SerialException, OSError, TypeError) as error:
                if not self._stop.is_set():
                    self.on_lost(f"serial port {self.device} lost: {error}")
                return
            if chunk:
                self._feed(chunk)

    def _feed(self, chunk: bytes) -> None:
        """Add bytes to the buffer and deliver every complete line."""
        self._buffer += chunk.replace(b"\r", b"\n")
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > MAX_LINE:
            lines.append(self._buffer)
            self._buffer = b""
        for raw in lines:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                self._deliver(line)

    def _deliver(self, line: str) -> None:
        """Hand one line on; a failing handler is logged, the reader goes on."""
        try:
            self.on_line(line)
        except Exception:
            log.exception("gsm line handler failed on %r", line)
