"""Find a caller ID in the audio an analog line gives while it rings (or just before).

`CallerIdReceiver` is fed the line's received 8 kHz PCM frames and runs, as configured,
the Bell 202 and V.23 FSK demodulators and a DTMF detector side by side; the first
valid caller ID any of them completes is returned. A frame too quiet to hold a signal
costs only its level measurement.

From an FSK demodulator's characters, a message starts at a message type byte (SDMF or
MDMF; the seizure's 0x55 characters before it are skipped) and ends after its length;
a message whose checksum is wrong is dropped, and the search goes on from the next
type byte in what was received (a real message may follow a noise burst).
"""

from __future__ import annotations

from collections.abc import Sequence

from appliance.boards.callerid import fsk, messages
from appliance.boards.callerid.dtmf_cid import DtmfCallerId
from appliance.boards.callerid.messages import CallerId
from appliance.boards.dsp.dtmf import DtmfDetector
from appliance.boards.dsp.pcm import amplitude, samples

SIGNALLINGS = ("auto", "bell", "v23", "dtmf", "off")
QUIET_DBFS = -50.0  # a frame quieter than this is skipped
MAX_BUFFER = 300


class FskMessages:
    """Caller ID messages out of one FSK demodulator's characters."""

    def __init__(self, modem: fsk.Modem, label: str) -> None:
        """Listen for modem's tones; label the caller IDs found (`CallerId.signalling`)."""
        self.demodulator = fsk.Demodulator(modem)
        self.label = label
        self._buffer = bytearray()

    def feed(self, values: Sequence[float]) -> CallerId | None:
        """Take samples; return a caller ID when a valid message completes."""
        was_on = self.demodulator.carrier
        data = self.demodulator.feed(values)
        if not was_on and self.demodulator.carrier:
            self._buffer.clear()
        self._buffer += data
        del self._buffer[: max(0, len(self._buffer) - MAX_BUFFER)]
        return self._message()

    def quiet(self) -> None:
        """The line is silent: the carrier (and any partial message) is gone."""
        self.demodulator.reset()
        self._buffer.clear()

    def _message(self) -> CallerId | None:
        """Return the first valid message in the buffer, dropping what cannot be one."""
        while self._buffer:
            if self._buffer[0] not in (messages.SDMF, messages.MDMF):
                del self._buffer[0]
                continue
            size = messages.message_length(bytes(self._buffer))
            if not size or len(self._buffer) < size:
                return None
            cid = messages.decode(bytes(self._buffer[:size]), self.label)
            if cid is not None:
                del self._buffer[:size]
                return cid
            del self._buffer[0]
        return None


class CallerIdReceiver:
    """A line's caller ID, from FSK and/or DTMF, as `signalling` says."""

    def __init__(self, signalling: str = "auto") -> None:
        """Listen for signalling: auto (all), bell, v23, dtmf or off."""
        if signalling not in SIGNALLINGS:
            raise ValueError(f"caller ID signalling must be one of {', '.join(SIGNALLINGS)}")
        self.signalling = signalling
        modems = {"auto": ("bell", "v23"), "bell": ("bell",), "v23": ("v23",)}
        # Either demodulator reads the other's tones too (they are 100 Hz apart): with
        # both listening, a caller ID is only known to be FSK.
        label = "fsk" if signalling == "auto" else signalling
        self._fsk = [FskMessages(fsk.MODEMS[m], label) for m in modems.get(signalling, ())]
        self._dtmf = DtmfDetector() if signalling in ("auto", "dtmf") else None
        self._dtmf_cid = DtmfCallerId()
        self._quiet_power = amplitude(QUIET_DBFS) ** 2 / 2

    def feed_pcm(self, pcm: bytes) -> CallerId | None:
        """Take one frame of 16-bit PCM; return a caller ID when one completes."""
        return self.feed(samples(pcm))

    def feed(self, values: Sequence[float]) -> CallerId | None:
        """Take samples; return a caller ID when one completes."""
        if not values or self.signalling == "off":
            return None
        if sum(x * x for x in values) / len(values) < self._quiet_power:
            for receiver in self._fsk:
                receiver.quiet()
            if self._dtmf is not None:
                self._dtmf.feed(values)  # silence ends a key
            return None
        found = None
        for receiver in self._fsk:
            got = receiver.feed(values)
            found = found or got
        if self._dtmf is not None:
            for key in self._dtmf.feed(values):
                found = self._dtmf_cid.key(key) or found
        return found
