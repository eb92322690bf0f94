"""Listen to the first seconds of an answered campaign call for an answering machine.

A `FramePort` (appliance/engine/frame_port.py) is added to the conference bridge and
the contact leg's audio is sent into it, one way: the port hears what the contact
says and nobody hears the port.  The bridge's media thread queues the frames; the
engine thread reads them every 20 ms on the reactor (as `LinePump` does) and feeds
the detector (appliance/dialer/amd.py) until it gives a verdict, or the analysis
time is over by the wall clock (a stream that stalls still ends in a verdict).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

import pjsua2 as pj

from appliance.dialer.amd import AmdDetector, AmdResult, AmdSettings
from appliance.engine.frame_port import FRAME_BYTES, FRAME_SECONDS, CallLater, Cancellable

log = logging.getLogger(__name__)
GRACE_SECONDS = 1.0  # how far past the analysis time the wall clock may run


class AmdListener:
    """One call's detector, fed from its own bridge port (engine thread only)."""

    def __init__(
        self,
        name: str,
        audio: pj.AudioMedia,
        call_later: CallLater,
        done: Callable[[AmdResult], None],
        settings: AmdSettings | None = None,
    ) -> None:
        """Join a port to the contact's audio and start reading it; `done` gets the verdict."""
        self.detector = AmdDetector(settings)
        self._call_later, self._done, self._audio = call_later, done, audio
        budget = self.detector.settings.total_analysis_ms / 1000 + GRACE_SECONDS
        self._deadline = time.monotonic() + budget
        self.port: pj.FramePort | None = pj.FramePort()
        self.port.createPort(name, 50)
        audio.startTransmit(self.port)
        self._timer: Cancellable | None = call_later(FRAME_SECONDS, self._tick)

    def _tick(self) -> None:
        """Feed the frames the bridge queued; report the verdict or read again in 20 ms."""
        self._timer = None
        if self.port is None:
            return
        try:
            result = self.detector.feed(self.port.read(50 * FRAME_BYTES))
        except pj.Error:  # the port is unusable: judge what was heard (notsure, at worst)
            log.exception("AMD port %s could not be read", self.port.getPortId())
            result = self.detector.finish()
        if result is None and time.monotonic() >= self._deadline:
            result = self.detector.finish()
        if result is None:
            self._timer = self._call_later(FRAME_SECONDS, self._tick)
            return
        self.close()
        self._done(result)

    def close(self) -> None:
        """Stop listening and take the port off the bridge (twice is harmless)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.port is None:
            return
        port, self.port = self.port, None
        with contextlib.suppress(pj.Error):  # the call's own port may be gone already
            self._audio.stopTransmit(port)
        port.destroyPort()
