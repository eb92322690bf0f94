"""DTMF: a Goertzel detector for 8 kHz audio and a generator.

The detector looks at blocks of 102 samples (12.75 ms) and accepts a key when, in two
blocks running, the strongest row and column tones are both loud enough, within the
twist limits (the column up to 4 dB above the row, or up to 8 dB below it), each at
least 6 dB above the other tones of its group, and together nearly all the block's
power (speech and music spread theirs: that check is what stops talk-off). A key is
reported once, when it is confirmed; it must then stop (two blocks without it) before
it counts again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from appliance.boards.dsp.pcm import RATE, amplitude, silence, tone

ROWS = (697.0, 770.0, 852.0, 941.0)
COLUMNS = (1209.0, 1336.0, 1477.0, 1633.0)
KEYS = ("123A", "456B", "789C", "*0#D")
BLOCK = 102
MIN_TONE_DBFS = -42.0  # each tone at least this loud
NORMAL_TWIST_DB = 8.0  # row louder than column by at most this
REVERSE_TWIST_DB = 4.0  # column louder than row by at most this
RELATIVE_PEAK_DB = 6.0  # the chosen tone above the others of its group
TONE_SHARE = 0.7  # row + column: at least this share of the block's power
CONFIRM_BLOCKS = 2


def _coefficient(freq: float) -> float:
    """Return the Goertzel coefficient for freq on a block."""
    return 2 * math.cos(2 * math.pi * freq / RATE)


_ROW_COEFS = tuple(_coefficient(f) for f in ROWS)
_COL_COEFS = tuple(_coefficient(f) for f in COLUMNS)
_MIN_POWER = amplitude(MIN_TONE_DBFS) ** 2 / 2


def goertzel_power(block: Sequence[float], coefficient: float) -> float:
    """Return the power (mean square of the tone) at one frequency over a block."""
    s1 = s2 = 0.0
    for x in block:
        s1, s2 = x + coefficient * s1 - s2, s1
    magnitude = s1 * s1 + s2 * s2 - coefficient * s1 * s2
    return 2 * magnitude / (len(block) * len(block))


def classify(block: Sequence[float]) -> str:
    """Return the key one block holds, or "" when it holds none."""
    total = sum(x * x for x in block) / len(block)
    if total < _MIN_POWER:
        return ""
    rows = [goertzel_power(block, c) for c in _ROW_COEFS]
    cols = [goertzel_power(block, c) for c in _COL_COEFS]
    r = max(range(4), key=rows.__getitem__)
    c = max(range(4), key=cols.__getitem__)
    row, col = rows[r], cols[c]
    if row < _MIN_POWER or col < _MIN_POWER:
        return ""
    if col > row * 10 ** (REVERSE_TWIST_DB / 10) or row > col * 10 ** (NORMAL_TWIST_DB / 10):
        return ""
    peak = 10 ** (RELATIVE_PEAK_DB / 10)
    if any(p * peak > row for i, p in enumerate(rows) if i != r):
        return ""
    if any(p * peak > col for i, p in enumerate(cols) if i != c):
        return ""
    if row + col < TONE_SHARE * total:
        return ""
    return KEYS[r][c]


class DtmfDetector:
    """Keys pressed in a stream of samples, fed in pieces of any size."""

    def __init__(self) -> None:
        """Start with nothing heard."""
        self._pending: list[float] = []
        self._candidate = ""
        self._count = 0
        self._current = ""  # the key reported and still held
        self._gap = 0

    def feed(self, values: Sequence[float]) -> str:
        """Take more samples; return the keys confirmed in them, in order."""
        self._pending.extend(values)
        keys = []
        while len(self._pending) >= BLOCK:
            block, self._pending = self._pending[:BLOCK], self._pending[BLOCK:]
            key = self._block(classify(block))
            if key:
                keys.append(key)
        return "".join(keys)

    def _block(self, key: str) -> str:
        """Follow one block's key; return a key newly confirmed."""
        if key and key == self._current:
            self._gap = 0
            return ""
        if self._current:
            self._gap += 1
            if self._gap < CONFIRM_BLOCKS:
                return ""
            self._current = ""
        self._candidate, self._count = (key, self._count + 1) if key == self._candidate else (
            key, 1)  # fmt: skip
        if key and self._count >= CONFIRM_BLOCKS:
            self._current, self._gap, self._candidate, self._count = key, 0, "", 0
            return key
        return ""


def digit_tone(key: str, seconds: float = 0.07, dbfs: float = -10.0) -> list[float]:
    """Return one key's two tones (ValueError for a character that is not a key)."""
    for r, row in enumerate(KEYS):
        if key in row:
            return tone((ROWS[r], COLUMNS[row.index(key)]), seconds, dbfs)
    raise ValueError(f"not a DTMF key: {key!r} (0-9, *, #, A-D)")


def generate(keys: str, on: float = 0.07, off: float = 0.07, dbfs: float = -10.0) -> list[float]:
    """Return keys as DTMF: each tone on for `on` seconds, then `off` seconds of silence."""
    out: list[float] = []
    for key in keys:
        out += digit_tone(key, on, dbfs) + silence(off)
    return out
