"""Measure tones in a recorded WAV: which test phone's voice reached which party.

Each test phone sends a sine of its own frequency; the Goertzel algorithm gives the
amplitude of one frequency in a stretch of audio, so a test can tell whose voice a
party heard and when.
"""

from __future__ import annotations

import array
import math
import statistics
import wave
from pathlib import Path


def samples(path: Path) -> tuple[array.array[int], int]:
    """Return a 16-bit mono WAV's samples and its sample rate."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, f"{path}: 16-bit mono expected"
        data = array.array("h", w.readframes(w.getnframes()))
        return data, w.getframerate()


def amplitude(data: array.array[int], rate: int, hz: float) -> float:
    """Return the amplitude of the hz component of data (a full-scale sine is 32767)."""
    n = len(data)
    if n == 0:
        return 0.0
    coeff = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in data:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return 2 * math.sqrt(max(power, 0.0)) / n


# What a phone records lags the moment the box switched audio (jitter buffers, the
# bridge's frame) by a varying fraction of a second.
LAG_SECONDS = 0.25
MARGIN_SECONDS = 0.35
BLOCK_SECONDS = 0.2


def heard(path: Path, start: float, end: float, hz: float, settle: bool = False) -> float:
    """Return the typical amplitude of hz between start and end seconds into the recording.

    The median over 0.2 s blocks: a stretch that is mostly tone reads as tone, a
    moment of another phase at its edge does not count.  settle: the times are when
    the box was told to switch; skip the moments the switch may still be on its way.
    """
    if settle:
        start, end = start + LAG_SECONDS + MARGIN_SECONDS, end + LAG_SECONDS - MARGIN_SECONDS
    data, rate = samples(path)
    block = int(BLOCK_SECONDS * rate)
    first, last = int(start * rate), min(int(end * rate), len(data))
    levels = [
        amplitude(data[i : i + block], rate, hz) for i in range(first, last - block + 1, block)
    ]
    assert levels, f"{path}: nothing recorded between {start:.1f} s and {end:.1f} s"
    return statistics.median(levels)


def pcm_level(pcm: bytes, hz: float, rate: int = 8000) -> float:
    """Return the amplitude of hz in raw 16-bit PCM (what a board line heard)."""
    return amplitude(array.array("h", pcm), rate, hz)


def pcm_loudness(pcm: bytes) -> float:
    """Return the RMS of raw 16-bit PCM."""
    data = array.array("h", pcm)
    return (sum(x * x for x in data) / max(len(data), 1)) ** 0.5
