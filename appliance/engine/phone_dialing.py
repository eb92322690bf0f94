"""An analog phone lifted to dial (an FXS port's `offhook`): dial tone, then its keys.

The phone hears dial tone (350 + 440 Hz, ITU-T E.180's precise dial tone) until its
first key; keys are gathered until `#`, `DIGIT_TIMEOUT` seconds without a key, or
`MAX_DIGITS` keys, and the number goes to `done` (the line desk places the call as the
phone's extension). A phone left off hook without dialling gets `FIRST_KEY_TIMEOUT`
seconds of dial tone, then silence (nothing is placed). Engine thread only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from appliance.boards.audio import AudioFormat, from_bridge
from appliance.boards.base import Port
from appliance.boards.dsp.pcm import frames, tone
from appliance.boards.exceptions import BoardError

if TYPE_CHECKING:
    from appliance.engine.reactor import Reactor, Timer

log = logging.getLogger(__name__)
DIAL_TONE_HZ = (350.0, 440.0)
DIAL_TONE_DBFS = -16.0
DIGIT_TIMEOUT = 4.0  # seconds after a key with no other: the number is complete
FIRST_KEY_TIMEOUT = 15.0
MAX_DIGITS = 20
FRAME_SECONDS = 0.02


def dial_tone_frames(fmt: AudioFormat) -> list[bytes]:
    """Return 100 ms of dial tone in a port's format (whole cycles of both tones: loops)."""
    return [from_bridge(f, fmt) for f in frames(tone(DIAL_TONE_HZ, 0.1, DIAL_TONE_DBFS))]


class PhoneDialing:
    """One lifted phone's dial tone and keys."""

    def __init__(
        self, reactor: Reactor, port: Port, extension: str, done: Callable[[str], None]
    ) -> None:
        """Start dial tone on port; call done(number) once the number is complete."""
        self.reactor = reactor
        self.port = port
        self.extension = extension
        self.digits = ""
        self._done = done
        self._tone = dial_tone_frames(port.audio.format)
        self._sent = 0
        self._started = time.monotonic()
        self._toning = True
        self._finished = False
        self._tick_timer: Timer | None = self.reactor.call_later(0, self._tick)
        self._timeout: Timer = self.reactor.call_later(FIRST_KEY_TIMEOUT, self._give_up)

    def _tick(self) -> None:
        """Send the dial tone frames due by now (the line's 20 ms pace)."""
        self._tick_timer = None
        if not self._toning:
            return
        due = int((time.monotonic() - self._started) / FRAME_SECONDS) + 1
        try:
            while self._sent < due:
                self.port.audio.write_frame(self._tone[self._sent % len(self._tone)])
                self._sent += 1
        except (BoardError, ValueError) as error:
            log.warning("%s: dial tone: %s", self.port.name, error)
            self._toning = False
            return
        self._tick_timer = self.reactor.call_later(FRAME_SECONDS, self._tick)

    def key(self, digit: str) -> None:
        """Take one key: the tone stops; `#` (or the last allowed key) completes."""
        if self._finished:
            return
        self._toning = False
        self._timeout.cancel()
        if digit == "#" and self.digits:
            self._finish()
            return
        if digit != "#":
            self.digits += digit
        if len(self.digits) >= MAX_DIGITS:
            self._finish()
            return
        self._timeout = self.reactor.call_later(DIGIT_TIMEOUT, self._finish)

    def _finish(self) -> None:
        """The number is complete: hand it over."""
        if self._finished or not self.digits:
            return
        self.stop()
        self._done(self.digits)

    def _give_up(self) -> None:
        """Nobody dialled: stop the tone (the phone stays off hook, silent)."""
        if not self.digits:
            log.info("%s: lifted and not dialled for %.0f s", self.port.name, FIRST_KEY_TIMEOUT)
            self._toning = False

    def stop(self) -> None:
        """Stop the tone and the timers (put down, or the number is complete)."""
        self._finished, self._toning = True, False
        self._timeout.cancel()
        if self._tick_timer is not None:
            self._tick_timer.cancel()
