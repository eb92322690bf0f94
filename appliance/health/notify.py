"""Tell systemd and the hardware watchdog that the watchdog is alive.

systemd: a datagram "READY=1" at start and "WATCHDOG=1" every round to the socket in
$NOTIFY_SOCKET (a path, or "@name" in the abstract namespace), as sd_notify does.
The engine and the scheduler send the same two messages (systemd units of
Type=notify with WatchdogSec, ansible/roles/systemd/); `keep_alive_seconds` tells them how
often, from $WATCHDOG_USEC as sd_watchdog_enabled does.
Hardware: when watchdog.hardware_device is set, the device is opened once and written
every healthy round; a clean stop writes "V" (the magic close) so the timer stops
instead of rebooting the box.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import IO

log = logging.getLogger("callbox.watchdog")


def sd_notify(message: str, environ: dict[str, str] | None = None) -> bool:
    """Send message to systemd's notify socket; return false if there is none."""
    path = (os.environ if environ is None else environ).get("NOTIFY_SOCKET", "")
    if not path:
        return False
    address = "\0" + path[1:] if path.startswith("@") else path
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(message.encode(), address)
        except OSError as exc:
            log.warning("systemd notify %r failed: %s", message, exc)
            return False
    return True


def keep_alive_seconds(environ: dict[str, str] | None = None) -> float | None:
    """Return how often to send WATCHDOG=1 (half of WatchdogSec), or None if not asked."""
    env = os.environ if environ is None else environ
    pid = env.get("WATCHDOG_PID", "")
    if pid and pid != str(os.getpid()):
        return None  # the variable was meant for another process (a parent)
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 2_000_000 if usec > 0 else None


class HardwareWatchdog:
    """The watchdog device: written while the box is healthy, closed with 'V' on a clean stop."""

    def __init__(self, path: str) -> None:
        """Open the device at path (nothing when path is empty)."""
        self.path = path
        self._device: IO[bytes] | None = open(path, "wb", buffering=0) if path else None  # noqa: SIM115

    def pet(self) -> None:
        """Reset the device's timer."""
        if self._device is not None:
            self._device.write(b"\0")

    def close(self) -> None:
        """Disarm the device with the magic close, then close it."""
        if self._device is not None:
            self._device.write(b"V")
            self._device.close()
            self._device = None
