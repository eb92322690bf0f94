"""An analog phone lifted to dial (an FXS port's `offhook`): dial tone, then its keys.

The phone hears dial tone (`line_tones.DIAL_TONE`) until its first key; keys are
gathered until `#`, `DIGIT_TIMEOUT` seconds without a key, or `MAX_DIGITS` keys, and
the number goes to `done` (the line desk places the call as the phone's extension). A
phone left off hook without dialling gets `FIRST_KEY_TIMEOUT` seconds of dial tone,
then silence (nothing is placed). Engine thread only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from appliance.boards.base import Port
from appliance.engine.line_tones import DIAL_TONE, LineTone

if TYPE_CHECKING:
    from appliance.engine.reactor import Reactor, Timer

log = logging.getLogger(__name__)
DIGIT_TIMEOUT = 4.0  # seconds after a key with no other: the number is complete
FIRST_KEY_TIMEOUT = 15.0
MAX_DIGITS = 20


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
        self._tone = LineTone(reactor, port, DIAL_TONE)
        self._finished = False
        self._timeout: Timer = self.reactor.call_later(FIRST_KEY_TIMEOUT, self._give_up)

    def key(self, digit: str) -> None:
        """Take one key: the tone stops; `#` (or the last allowed key) completes."""
        if self._finished:
            return
        self._tone.stop()
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
            self._tone.stop()

    def stop(self) -> None:
        """Stop the tone and the timers (put down, or the number is complete)."""
        self._finished = True
        self._tone.stop()
        self._timeout.cancel()
