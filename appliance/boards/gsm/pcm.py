"""A call's voice as PCM on the module's audio serial port: 20 ms frames both ways.

While a call is up and the module's PCM path is on (`vendors.PcmPath`), the module
writes 8 kHz 16-bit little-endian mono PCM on its audio tty in real time and plays what
it is sent. `SerialPcmAudio` is the port's `AudioStream` over that tty: `start` opens
it and starts a reader and a writer thread, `stop` ends them and closes it. Both
directions are bounded queues that drop their *oldest* frame when full (counted), so a
module that stops sending only means no frames to read, and one that stops reading
never blocks the bridge. The module's own write size does not matter: bytes are cut
into whole 320-byte frames, a partial frame waits for the rest.
"""

from __future__ import annotations

import collections
import logging
import threading
from dataclasses import dataclass

import serial

from appliance.boards.audio import PCM16_8K, AudioStream
from appliance.boards.exceptions import DriverUnavailable

log = logging.getLogger(__name__)
QUEUE_FRAMES = 25  # 0.5 s each way; older audio is dropped beyond this
READ_POLL_SECONDS = 0.02
WRITE_TIMEOUT_SECONDS = 0.2  # a module not reading: the frame is dropped after this


@dataclass(frozen=True)
class PcmStats:
    """What the stream carried since it was made (frames of 320 bytes)."""

    frames_in: int
    frames_out: int
    dropped_in: int
    dropped_out: int
    running: bool


class SerialPcmAudio(AudioStream):
    """16-bit PCM in 20 ms frames on a serial port, each way on its own thread."""

    def __init__(self, device: str, baudrate: int, path: str, write_bytes: int = 320) -> None:
        """Remember the audio tty; `start` opens it when a call is up."""
        super().__init__(PCM16_8K, path)
        self.device = device
        self.baudrate = baudrate
        self.write_bytes = write_bytes
        self._cond = threading.Condition()
        self._in: collections.deque[bytes] = collections.deque()
        self._out: collections.deque[bytes] = collections.deque()
        self._partial = b""
        self._serial: serial.Serial | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._stop.set()
        self._counts = {"frames_in": 0, "frames_out": 0, "dropped_in": 0, "dropped_out": 0}
        self.lost = ""  # why the tty failed during the last call ("" when it did not)

    @property
    def running(self) -> bool:
        """True between start and stop."""
        return not self._stop.is_set()

    def start(self) -> None:
        """Open the audio tty and start carrying frames; DriverUnavailable if it is absent."""
        if self.running:
            return
        try:
            self._serial = serial.serial_for_url(
                self.device,
                baudrate=self.baudrate,
                timeout=READ_POLL_SECONDS,
                write_timeout=WRITE_TIMEOUT_SECONDS,
            )
        except (serial.SerialException, OSError, ValueError) as error:
            raise DriverUnavailable(f"audio port {self.device}: {error}") from None
        with self._cond:
            self._in.clear()
            self._out.clear()
            self._partial = b""
        self.lost = ""
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._read_loop, name="gsm-pcm-in", daemon=True),
            threading.Thread(target=self._write_loop, name="gsm-pcm-out", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop both threads and close the tty; never raises, may be called twice."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=2)
        self._threads = []
        if self._serial is not None:
            try:
                self._serial.close()
            except Exception:
                log.debug("closing %s failed", self.device, exc_info=True)
        self._serial = None
        with self._cond:
            self._in.clear()
            self._out.clear()

    def read_frame(self, timeout: float) -> bytes | None:
        """Return the oldest frame the module sent, or None after timeout seconds."""
        with self._cond:
            if not self._in and timeout > 0 and self.running:
                self._cond.wait_for(lambda: bool(self._in) or not self.running, timeout)
            return self._in.popleft() if self._in and self.running else None

    def write_frame(self, frame: bytes) -> None:
        """Queue one 320-byte frame for the module (dropped when no call audio is up)."""
        if len(frame) != self.format.frame_bytes:
            raise ValueError(f"a frame is {self.format.frame_bytes} bytes, got {len(frame)}")
        if not self.running:
            return  # ringing or after hangup: nowhere to send it
        with self._cond:
            self._push(self._out, bytes(frame), "dropped_out")
            self._cond.notify_all()

    def stats(self) -> PcmStats:
        """Return the counters."""
        with self._cond:
            return PcmStats(**self._counts, running=self.running)

    def _push(self, queue: collections.deque[bytes], frame: bytes, dropped: str) -> None:
        """Append a frame, dropping (and counting) the oldest when full; the lock is held."""
        if len(queue) >= QUEUE_FRAMES:
            queue.popleft()
            self._counts[dropped] += 1
        queue.append(frame)

    def _read_loop(self) -> None:
        """Read the module's PCM and cut it into frames until stopped."""
        port = self._serial
        assert port is not None
        size = self.format.frame_bytes
        while not self._stop.is_set():
            try:
                chunk = port.read(size)
                if chunk and port.in_waiting:
                    chunk += port.read(port.in_waiting)
            except (serial.SerialException, OSError, TypeError) as error:
                self._failed(f"audio port {self.device} lost: {error}")
                return
            if not chunk:
                continue
            with self._cond:
                if self._stop.is_set():
                    return  # stopped while reading: what came is after the call
                data = self._partial + chunk
                whole = len(data) - len(data) % size
                for i in range(0, whole, size):
                    self._push(self._in, data[i : i + size], "dropped_in")
                    self._counts["frames_in"] += 1
                self._partial = data[whole:]
                self._cond.notify_all()

    def _write_loop(self) -> None:
        """Send queued frames to the module until stopped; a stuck write drops the frame."""
        port = self._serial
        assert port is not None
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._out) or self._stop.is_set(), 0.5)
                if self._stop.is_set():
                    return
                if not self._out:
                    continue
                frame = self._out.popleft()
            try:
                for i in range(0, len(frame), self.write_bytes):
                    port.write(frame[i : i + self.write_bytes])
            except serial.SerialTimeoutException:
                with self._cond:
                    self._counts["dropped_out"] += 1
                continue
            except (serial.SerialException, OSError, TypeError) as error:
                self._failed(f"audio port {self.device} lost: {error}")
                return
            with self._cond:
                self._counts["frames_out"] += 1

    def _failed(self, reason: str) -> None:
        """The tty went away during a call: say so once; the call itself goes on."""
        if self._stop.is_set():
            return
        if not self.lost:
            log.error("%s", reason)
        self.lost = reason
