"""A board line's audio as a leg of the conference bridge, through pjsua2's FramePort.

`FramePort` is compiled into our pjsua2 binding (tools/pjsua2/framebridge.hpp): a
conference-bridge port of 8 kHz mono 16-bit PCM in 20 ms frames with two bounded
queues.  The bridge's media thread fills one queue with what the calls connected
to the port send towards the line and empties the other, a frame per tick, of what
the line said (silence when nothing is queued).  The media thread never calls
Python; the engine thread polls: `LinePump` moves audio between each line and its
port every 20 ms, converting the line's declared format (16-bit PCM, µ-law or
A-law) here, in one place.

Every method runs on the engine thread (the thread that drives pjsua2).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pjsua2 as pj

from appliance.engine import line_format

log = logging.getLogger(__name__)

FRAME_SAMPLES = 160
"""Samples in one 20 ms frame at 8 kHz."""
FRAME_BYTES = 2 * FRAME_SAMPLES
"""Bytes in one frame of 16-bit PCM."""
FRAME_SECONDS = 0.02


@dataclass(frozen=True)
class PortStats:
    """What a FramePort has carried so far (frames and bytes of 16-bit PCM)."""

    frames_to_line: int
    frames_from_line: int
    underruns: int
    dropped_to_line: int
    dropped_from_line: int
    pending_to_line: int
    pending_from_line: int


class LineBridge:
    """One line's audio as a conference-bridge port, in the line's own format."""

    def __init__(self, name: str, audio_format: str = "slin16", capacity_frames: int = 50):
        """Create the port and add it to the bridge (the endpoint must be initialised).

        audio_format: what the line gives and takes, one of line_format.FORMATS.
        capacity_frames: how much each queue holds before the oldest audio is dropped.
        """
        line_format.bytes_per_frame(audio_format)  # checks the format
        if capacity_frames < 1:
            raise ValueError("capacity_frames must be at least 1")
        self.name = name
        self.audio_format = audio_format
        self.port = pj.FramePort()
        self.port.createPort(name, capacity_frames)
        self._connected: list[pj.AudioMedia] = []
        self._carry = b""  # half a 16-bit sample a PCM line split across reads

    @property
    def media(self) -> pj.AudioMedia:
        """The port as an AudioMedia (to record it, or play a prompt to it)."""
        return self.port

    def connect(self, audio: pj.AudioMedia) -> None:
        """Join the line and a call's audio both ways."""
        self.port.startTransmit(audio)
        audio.startTransmit(self.port)
        self._connected.append(audio)

    def disconnect(self, audio: pj.AudioMedia) -> None:
        """Part the line from a call's audio (one already gone is ignored)."""
        with contextlib.suppress(pj.Error):
            self.port.stopTransmit(audio)
        with contextlib.suppress(pj.Error):
            audio.stopTransmit(self.port)
        gone = audio.getPortId()
        self._connected = [a for a in self._connected if a.getPortId() != gone]

    def feed(self, data: bytes) -> None:
        """Queue audio heard on the line (in the line's format) for the calls."""
        if self.audio_format == "slin16":
            data = self._carry + data
            cut = len(data) - len(data) % 2
            data, self._carry = data[:cut], data[cut:]
        if data:
            self.port.write(line_format.to_pcm(data, self.audio_format))

    def take(self, max_frames: int = 50) -> bytes:
        """Return up to max_frames whole frames the calls sent, in the line's format."""
        pcm: bytes = self.port.read(max_frames * FRAME_BYTES)  # whole frames: put_frame adds them
        return line_format.from_pcm(pcm, self.audio_format)

    def stats(self) -> PortStats:
        """Return the port's counters."""
        p = self.port
        return PortStats(
            frames_to_line=int(p.framesToLine()),
            frames_from_line=int(p.framesFromLine()),
            underruns=int(p.underruns()),
            dropped_to_line=int(p.droppedToLine()),
            dropped_from_line=int(p.droppedFromLine()),
            pending_to_line=int(p.pendingToLine()),
            pending_from_line=int(p.pendingFromLine()),
        )

    def close(self) -> None:
        """Disconnect everything and remove the port from the bridge."""
        for audio in list(self._connected):
            self.disconnect(audio)
        self.port.destroyPort()


class LineAudio(Protocol):
    """The audio side of a board port, as the pump sees it."""

    def receive_audio(self) -> bytes:
        """Return the audio heard on the line since the last call (may be empty)."""

    def send_audio(self, data: bytes) -> None:
        """Play data (whole frames, in the line's format) on the line."""


class LinePump:
    """Move audio between lines and their bridge ports every 20 ms on the engine thread.

    Started with a scheduler such as the reactor's `call_later`; each tick hands each
    line's new audio to its port and the port's queued audio to the line.  A line that
    raises is logged and dropped from the pump, never stops the others.
    """

    def __init__(self, call_later: CallLater, interval: float = FRAME_SECONDS) -> None:
        self._call_later = call_later
        self.interval = interval
        self._lines: dict[str, tuple[LineBridge, LineAudio]] = {}
        self._timer: Cancellable | None = None

    def add(self, bridge: LineBridge, line: LineAudio) -> None:
        """Pump line's audio through bridge (starts the pump if idle)."""
        self._lines[bridge.name] = (bridge, line)
        if self._timer is None:
            self._timer = self._call_later(self.interval, self.tick)

    @property
    def lines(self) -> list[str]:
        """Return the names of the lines being pumped."""
        return sorted(self._lines)

    def remove(self, name: str) -> None:
        """Stop pumping one line (its bridge stays; close it separately)."""
        self._lines.pop(name, None)

    def tick(self) -> None:
        """Move one round of audio both ways, then schedule the next round."""
        self._timer = None
        for name, (bridge, line) in list(self._lines.items()):
            try:
                bridge.feed(line.receive_audio())
                out = bridge.take()
                if out:
                    line.send_audio(out)
            except Exception:
                log.exception("line %s: audio pump failed; the line is no longer pumped", name)
                self._lines.pop(name, None)
        if self._lines:
            self._timer = self._call_later(self.interval, self.tick)

    def stop(self) -> None:
        """Stop pumping every line."""
        self._lines.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class Cancellable(Protocol):
    """A scheduled callback that can be cancelled (the reactor's Timer)."""

    def cancel(self) -> None:
        """Stop the callback from running."""


class CallLater(Protocol):
    """Run a callback after a delay on the engine thread (the reactor's call_later)."""

    def __call__(self, delay: float, callback: Callable[[], None], /) -> Cancellable:
        """Schedule callback after delay seconds."""
