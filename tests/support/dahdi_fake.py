"""A scripted DAHDI channel device: the ioctls answer as the kernel's would, frames are bytes.

It stands in for /dev/dahdi/channel behind the driver's one OS door (`ChannelDevice`):
DAHDI_SPECIFY must come first, DAHDI_GET_PARAMS returns the scripted signalling, law and
alarms as the kernel's struct, DAHDI_GETEVENT pops the scripted events, and a read fails
with ELAST while an event waits — the order the real driver sees them in.
"""

from __future__ import annotations

import errno
import threading
from collections import deque
from dataclasses import dataclass, field

from appliance.boards.dahdi import ioctls


@dataclass
class FakeChannel:
    """One scripted channel."""

    sigtype: int
    law: int = ioctls.LAW_MULAW
    alarms: int = 0
    tone_detect: bool = True
    events: deque[int] = field(default_factory=deque)
    frames: deque[bytes] = field(default_factory=deque)
    gone: bool = False
    hooks: list[int] = field(default_factory=list)
    dialed: list[tuple[int, str]] = field(default_factory=list)
    written: list[bytes] = field(default_factory=list)
    blocksize: int = 0


class FakeChannels:
    """The DAHDI channel device, with channels scripted by number."""

    def __init__(self, channels: dict[int, FakeChannel]) -> None:
        """Serve the given channels."""
        self.channels = channels
        self.opened: list[str] = []
        self.calls: list[tuple[int, int, int]] = []  # (fd, request, value) in order
        self._fds: dict[int, int | None] = {}
        self._ready = threading.Condition()

    # -- the test's side ---------------------------------------------------------------

    def event(self, channel: int, code: int) -> None:
        """Queue a DAHDI event on a channel."""
        with self._ready:
            self.channels[channel].events.append(code)
            self._ready.notify_all()

    def frame(self, channel: int, data: bytes) -> None:
        """Queue a received block on a channel."""
        with self._ready:
            self.channels[channel].frames.append(data)
            self._ready.notify_all()

    def remove(self, channel: int) -> None:
        """Make the channel fail as an unplugged device does."""
        with self._ready:
            self.channels[channel].gone = True
            self._ready.notify_all()

    # -- the ChannelDevice interface --------------------------------------------------------

    def open(self, path: str) -> int:
        """Open the channel device; the fd has no channel until DAHDI_SPECIFY."""
        self.opened.append(path)
        fd = 100 + len(self._fds)
        self._fds[fd] = None
        return fd

    def _channel(self, fd: int) -> FakeChannel:
        """Return the fd's channel; EINVAL before DAHDI_SPECIFY, as the kernel."""
        number = self._fds[fd]
        if number is None:
            raise OSError(errno.EINVAL, "DAHDI_SPECIFY first")
        return self.channels[number]

    def ioctl_int(self, fd: int, request: int, value: int) -> int:
        """Answer an int ioctl."""
        self.calls.append((fd, request, value))
        if request == ioctls.SPECIFY:
            if value not in self.channels:
                raise OSError(errno.ENXIO, "No such device or address")
            self._fds[fd] = value
            return value
        channel = self._channel(fd)
        if request == ioctls.SET_BLOCKSIZE:
            channel.blocksize = value
        elif request == ioctls.HOOK:
            channel.hooks.append(value)
        elif request == ioctls.GETEVENT:
            with self._ready:
                return channel.events.popleft() if channel.events else ioctls.EVENT_NONE
        elif request == ioctls.TONEDETECT:
            if not channel.tone_detect:
                raise OSError(errno.ENOTTY, "Inappropriate ioctl for device")
        else:
            raise OSError(errno.ENOTTY, f"unknown ioctl {request:#x}")
        return value

    def ioctl_buffer(self, fd: int, request: int, buffer: bytes) -> bytes:
        """Answer a struct ioctl: DAHDI_GET_PARAMS and DAHDI_DIAL."""
        self.calls.append((fd, request, len(buffer)))
        channel = self._channel(fd)
        if request == ioctls.GET_PARAMS:
            number = self._fds[fd]
            ints = [number, 1, number, channel.sigtype, channel.sigtype, 0, 0, 0, 0, 0]
            name = f"WCTDM/0/{number}".encode()
            return ioctls.PARAMS.pack(*ints, channel.law, 0, name, *([0] * 11), channel.alarms)
        if request == ioctls.DIAL:
            op, text = ioctls.DIAL_OPERATION.unpack(buffer)
            channel.dialed.append((op, text.rstrip(b"\0").decode()))
            return buffer
        raise OSError(errno.ENOTTY, f"unknown ioctl {request:#x}")

    def wait_readable(self, fd: int, timeout: float) -> bool:
        """Wait for an event or a frame on the fd's channel."""
        channel = self._channel(fd)
        with self._ready:
            return self._ready.wait_for(
                lambda: bool(channel.events or channel.frames or channel.gone), timeout
            )

    def read(self, fd: int, size: int) -> bytes:
        """Return the next block; ELAST while an event waits; ENODEV once removed."""
        channel = self._channel(fd)
        with self._ready:
            if channel.gone:
                raise OSError(errno.ENODEV, "No such device")
            if channel.events:
                raise OSError(ioctls.ELAST, "DAHDI event pending")
            if not channel.frames:
                raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
            return channel.frames.popleft()[:size]

    def write(self, fd: int, data: bytes) -> int:
        """Keep a written block."""
        self._channel(fd).written.append(data)
        return len(data)

    def close(self, fd: int) -> None:
        """Forget the fd."""
        self._fds.pop(fd)
