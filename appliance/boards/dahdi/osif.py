"""The one door to the operating system for DAHDI channels: open, ioctl, read, write.

The driver calls only this interface, so a test can stand a scripted channel device in
front of it while the driver's logic and frames stay real. `LinuxChannels` is the real
one (fcntl.ioctl on /dev/dahdi/channel).
"""

from __future__ import annotations

import array
import fcntl
import os
import select
from typing import Protocol


class ChannelDevice(Protocol):
    """What the driver asks of the OS for a DAHDI channel."""

    def open(self, path: str) -> int:
        """Open the channel device file and return its descriptor."""
        ...

    def ioctl_int(self, fd: int, request: int, value: int) -> int:
        """Run an ioctl whose argument is one int; return the int it leaves there."""
        ...

    def ioctl_buffer(self, fd: int, request: int, buffer: bytes) -> bytes:
        """Run an ioctl on a struct; return the struct as the kernel left it."""
        ...

    def wait_readable(self, fd: int, timeout: float) -> bool:
        """Return true when a read (a frame or an event) is ready within timeout."""
        ...

    def read(self, fd: int, size: int) -> bytes:
        """Read one block; raises OSError(ELAST) while an event waits."""
        ...

    def write(self, fd: int, data: bytes) -> int:
        """Write one block."""
        ...

    def close(self, fd: int) -> None:
        """Close the descriptor."""
        ...


class LinuxChannels:
    """The real DAHDI channel device."""

    def open(self, path: str) -> int:
        """Open the channel device file read-write."""
        return os.open(path, os.O_RDWR | os.O_NONBLOCK)

    def ioctl_int(self, fd: int, request: int, value: int) -> int:
        """Run an int ioctl through a mutable buffer, as the kernel writes back."""
        argument = array.array("i", [value])
        fcntl.ioctl(fd, request, argument, True)
        return argument[0]

    def ioctl_buffer(self, fd: int, request: int, buffer: bytes) -> bytes:
        """Run a struct ioctl through a mutable buffer."""
        argument = bytearray(buffer)
        fcntl.ioctl(fd, request, argument, True)
        return bytes(argument)

    def wait_readable(self, fd: int, timeout: float) -> bool:
        """Wait with poll: DAHDI raises POLLPRI for events, POLLIN for frames."""
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(int(timeout * 1000)))

    def read(self, fd: int, size: int) -> bytes:
        """Read one block."""
        return os.read(fd, size)

    def write(self, fd: int, data: bytes) -> int:
        """Write one block."""
        return os.write(fd, data)

    def close(self, fd: int) -> None:
        """Close the descriptor."""
        os.close(fd)
