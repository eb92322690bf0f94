"""What a DAHDI channel's software hears and says besides the call's audio.

On an FXO line: the caller ID (FSK or DTMF, `callerid.receiver`) in the audio received
before the call is answered, and DTMF keys (`dsp.dtmf`) when the card cannot detect
them. On an FXS port: the caller ID audio to send the phone (`callerid.sender`), cut
into the channel's 20 ms G.711 blocks. Pure: the port feeds it frames and acts on what
it returns.
"""

from __future__ import annotations

import collections
import time

from appliance.boards import g711
from appliance.boards.callerid.messages import CallerId
from appliance.boards.callerid.receiver import CallerIdReceiver
from appliance.boards.callerid.sender import caller_id_audio
from appliance.boards.dsp.dtmf import DtmfDetector
from appliance.boards.dsp.pcm import samples

PENDING_SECONDS = 10.0  # a caller ID heard before the first ring is that call's for this long
PCM_FRAME = 320


class LineListener:
    """The FXO side: a caller ID before the call is taken, software DTMF during it."""

    def __init__(self, law: str, signalling: str, software_dtmf: bool) -> None:
        """Decode frames of law; listen for caller ID as signalling says."""
        self.law = law
        self.signalling = signalling
        self._receiver = CallerIdReceiver(signalling)
        self._dtmf = DtmfDetector() if software_dtmf else None
        self.pending: CallerId | None = None
        self._pending_at = 0.0

    def caller_id(self, frame: bytes) -> CallerId | None:
        """Take a frame received while no call is up; return a caller ID it completes."""
        if self.signalling == "off":
            return None
        found = self._receiver.feed_pcm(g711.decode(frame, self.law))
        if found is not None:
            self.pending, self._pending_at = found, time.monotonic()
        return found

    def take_pending(self) -> CallerId | None:
        """Return (and forget) a caller ID heard shortly before now (before the first ring)."""
        found, self.pending = self.pending, None
        if found is None or time.monotonic() - self._pending_at > PENDING_SECONDS:
            return None
        return found

    def keys(self, frame: bytes) -> str:
        """Take a frame of a call; return the DTMF keys software detection confirmed."""
        if self._dtmf is None:
            return ""
        return self._dtmf.feed(samples(g711.decode(frame, self.law)))


def caller_id_blocks(cid: CallerId, signalling: str, law: str) -> collections.deque[bytes]:
    """Return the caller ID audio for a phone as the channel's G.711 blocks."""
    pcm = caller_id_audio(cid, signalling, time.strftime("%m%d%H%M"))
    if len(pcm) % PCM_FRAME:
        pcm += b"\0" * (PCM_FRAME - len(pcm) % PCM_FRAME)
    return collections.deque(
        g711.encode(pcm[i : i + PCM_FRAME], law) for i in range(0, len(pcm), PCM_FRAME)
    )
