"""Call progress tones the box plays an analog phone itself: dial tone and ringback.

An FXS phone has no tones of its own (a SIP phone makes its ringback when it gets 180):
the box writes them to the port, at the line's 20 ms pace, on the engine thread. Dial
tone is 350 + 440 Hz continuous, ringback 440 + 480 Hz two seconds in six (ITU-T E.180's
precise tones); both repeat every 100 ms, so a loop of five frames plays them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from appliance.boards.audio import AudioFormat, from_bridge
from appliance.boards.base import Port
from appliance.boards.dsp.pcm import frames, silence, tone
from appliance.boards.exceptions import BoardError

if TYPE_CHECKING:
    from appliance.engine.reactor import Reactor, Timer

log = logging.getLogger(__name__)
FRAME_SECONDS = 0.02
LEVEL_DBFS = -16.0


@dataclass(frozen=True)
class Cadence:
    """A tone: its frequencies, seconds on and off (off 0: continuous)."""

    name: str
    freqs: tuple[float, ...]
    on: float = 1.0
    off: float = 0.0


DIAL_TONE = Cadence("dial", (350.0, 440.0))
RINGBACK = Cadence("ringback", (440.0, 480.0), 2.0, 4.0)


def tone_frames(cadence: Cadence, fmt: AudioFormat) -> tuple[list[bytes], bytes]:
    """Return 100 ms of the tone and one frame of silence, in a port's format."""
    loop = [from_bridge(f, fmt) for f in frames(tone(cadence.freqs, 0.1, LEVEL_DBFS))]
    return loop, from_bridge(frames(silence(FRAME_SECONDS))[0], fmt)


class LineTone:
    """One tone playing to a port until stopped."""

    def __init__(self, reactor: Reactor, port: Port, cadence: Cadence) -> None:
        """Start playing cadence to port now."""
        self.reactor = reactor
        self.port = port
        self.cadence = cadence
        self._loop, self._quiet = tone_frames(cadence, port.audio.format)
        self._sent = 0
        self._started = time.monotonic()
        self.playing = True
        self._timer: Timer | None = reactor.call_later(0, self._tick)

    def _frame(self, index: int) -> bytes:
        """Return the index-th frame of the tone (silence in its off part)."""
        period = self.cadence.on + self.cadence.off
        if self.cadence.off and (index * FRAME_SECONDS) % period >= self.cadence.on:
            return self._quiet
        return self._loop[index % len(self._loop)]

    def _tick(self) -> None:
        """Send the frames due by now, then come back in 20 ms."""
        self._timer = None
        if not self.playing:
            return
        due = int((time.monotonic() - self._started) / FRAME_SECONDS) + 1
        try:
            while self._sent < due:
                self.port.audio.write_frame(self._frame(self._sent))
                self._sent += 1
        except (BoardError, ValueError, OSError) as error:  # the device refused or is gone
            log.warning("%s: %s tone: %s", self.port.name, self.cadence.name, error)
            self.playing = False
            return
        self._timer = self.reactor.call_later(FRAME_SECONDS, self._tick)

    def stop(self) -> None:
        """Stop the tone."""
        self.playing = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
