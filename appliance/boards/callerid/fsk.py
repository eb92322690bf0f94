"""1200 baud FSK as caller ID uses it: Bell 202 and ITU-T V.23, both ways.

Bell 202: mark (1) 1200 Hz, space (0) 2200 Hz. V.23 (ETSI): mark 1300 Hz, space
2100 Hz. Bytes go as asynchronous characters: a start bit (space), eight data bits
least significant first, a stop bit (mark). A transmission is a channel seizure of
alternating bits (300), a run of marks (Bell 180, ETSI 80), then the message.

The demodulator correlates the signal with each tone over one bit (7 samples) and
compares the two energies; a UART takes the bits, timing each character from its start
bit's edge. It only listens while the signal is loud enough to be a carrier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from appliance.boards.dsp.pcm import RATE, amplitude

BAUD = 1200
BIT = RATE / BAUD  # 6.67 samples
WINDOW = 7
CARRIER_DBFS = -48.0  # quieter than this (over a bit's window) is no carrier
SMOOTH = 3  # soft decisions averaged before a bit is read
BAND_Q = 1.2  # the band-pass before the correlators: centred between the tones
TABLE = 80  # every tone used repeats within 80 samples at 8 kHz (1200, 1300, 2100, 2200)


@dataclass(frozen=True)
class Modem:
    """One FSK standard: its name, mark and space frequencies and its mark run."""

    name: str
    mark: float
    space: float
    mark_bits: int


BELL202 = Modem("bell", 1200.0, 2200.0, 180)
V23 = Modem("v23", 1300.0, 2100.0, 80)
MODEMS = {m.name: m for m in (BELL202, V23)}
SEIZURE_BITS = 300


def character_bits(data: bytes) -> list[int]:
    """Return the bits that send data as asynchronous characters."""
    bits: list[int] = []
    for byte in data:
        bits += [0, *((byte >> i) & 1 for i in range(8)), 1]
    return bits


def modulate(
    data: bytes, modem: Modem, dbfs: float = -15.0, seizure: bool = True, rate: float = BIT
) -> list[float]:
    """Return a caller ID transmission: seizure, marks, data (phase-continuous)."""
    bits = ([i % 2 for i in range(SEIZURE_BITS)] if seizure else []) + [1] * modem.mark_bits
    bits += character_bits(data) + [1] * 5
    peak = amplitude(dbfs)
    out: list[float] = []
    phase = 0.0
    edge = 0.0
    for bit in bits:
        edge += rate
        step = 2 * math.pi * (modem.mark if bit else modem.space) / RATE
        while len(out) < round(edge):
            out.append(peak * math.sin(phase))
            phase += step
    return out


def _table(freq: float) -> tuple[list[float], list[float]]:
    """Return one TABLE-sample period of cos and sin at freq."""
    steps = [2 * math.pi * freq * n / RATE for n in range(TABLE)]
    return [math.cos(s) for s in steps], [math.sin(s) for s in steps]


def _band_pass(centre: float, q: float) -> tuple[float, float, float, float]:
    """Return a biquad band-pass's b0, b2, a1, a2 (RBJ cookbook, 0 dB peak; b1 is 0)."""
    w = 2 * math.pi * centre / RATE
    alpha = math.sin(w) / (2 * q)
    a0 = 1 + alpha
    return alpha / a0, -alpha / a0, -2 * math.cos(w) / a0, (1 - alpha) / a0


class Demodulator:
    """Bytes out of a stream of samples of one FSK standard, fed in pieces of any size."""

    def __init__(self, modem: Modem) -> None:
        """Listen for modem's tones."""
        self.modem = modem
        self._mark = _table(modem.mark)
        self._space = _table(modem.space)
        self._min_energy = WINDOW * amplitude(CARRIER_DBFS) ** 2 / 2
        self._filter = _band_pass(math.sqrt(modem.mark * modem.space), BAND_Q)
        self.reset()

    def reset(self) -> None:
        """Forget the signal so far (carrier lost)."""
        self._n = 0
        self._ring: list[tuple[float, float, float, float, float]] = [(0.0,) * 5] * WINDOW
        self._sums = [0.0] * 5
        self._last_bit = 0
        self._start = -1.0  # sample of the current character's start edge, -1: hunting
        self._bits: list[int] = []
        self._soft: list[float] = []
        self._x1 = self._x2 = self._y1 = self._y2 = 0.0
        self.carrier = False

    def feed(self, values: Sequence[float]) -> bytes:
        """Take more samples; return the characters completed in them."""
        out = bytearray()
        mc, ms = self._mark
        sc, ss = self._space
        sums, ring, soft = self._sums, self._ring, self._soft
        b0, b2, a1, a2 = self._filter
        for raw in values:
            x = b0 * raw + b2 * self._x2 - a1 * self._y1 - a2 * self._y2  # band-pass
            self._x2, self._x1 = self._x1, raw
            self._y2, self._y1 = self._y1, x
            i = self._n % TABLE
            new = (x * mc[i], x * ms[i], x * sc[i], x * ss[i], x * x)
            old = ring[self._n % WINDOW]
            ring[self._n % WINDOW] = new
            for k in range(5):
                sums[k] += new[k] - old[k]
            self._n += 1
            if sums[4] < self._min_energy:
                if self.carrier:
                    self._start, self._bits = -1.0, []
                self.carrier = False
                soft.clear()
                continue
            self.carrier = True
            mark = sums[0] * sums[0] + sums[1] * sums[1]
            space = sums[2] * sums[2] + sums[3] * sums[3]
            soft.append((mark - space) / (mark + space + 1e-9))
            if len(soft) > SMOOTH:
                soft.pop(0)
            byte = self._uart(sum(soft))
            if byte is not None:
                out.append(byte)
        return bytes(out)

    def _uart(self, level: float) -> int | None:
        """Follow the (smoothed) bit stream one sample; return a completed character."""
        bit = 1 if level > 0 else 0
        last, self._last_bit = self._last_bit, bit
        if self._start < 0:
            if last == 1 and bit == 0:
                self._start, self._bits = float(self._n), []
            return None
        if self._n < self._start + BIT * (len(self._bits) + 0.5):
            return None
        self._bits.append(bit)
        if len(self._bits) == 1 and bit != 0:  # not a start bit after all: a glitch
            self._start = -1.0
            return None
        if len(self._bits) < 10:
            return None
        self._start = -1.0
        if self._bits[9] != 1:  # framing error
            return None
        return sum(b << i for i, b in enumerate(self._bits[1:9]))
