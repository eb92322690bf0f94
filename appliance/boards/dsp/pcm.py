"""8 kHz 16-bit PCM as sample lists: bytes in and out, tones, noise, levels.

Board audio is 16-bit signed little-endian (`audio.PCM16_8K`); the detectors and
generators work on lists of ints at 8000 samples a second.
"""

from __future__ import annotations

import math
import random
import sys
from array import array
from collections.abc import Sequence

RATE = 8000
FULL_SCALE = 32767


def samples(pcm: bytes) -> list[int]:
    """Return the samples of 16-bit little-endian PCM."""
    values = array("h")
    values.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def to_pcm(values: Sequence[float]) -> bytes:
    """Return samples as 16-bit little-endian PCM, rounded and clipped."""
    clipped = array("h", (max(-32768, min(FULL_SCALE, round(v))) for v in values))
    if sys.byteorder == "big":
        clipped.byteswap()
    return clipped.tobytes()


def amplitude(dbfs: float) -> float:
    """Return the peak amplitude of a sine at dbfs (0 dBFS: a full-scale sine)."""
    return FULL_SCALE * 10 ** (dbfs / 20)


def tone(freqs: Sequence[float], seconds: float, dbfs: float = -10.0) -> list[float]:
    """Return a sum of sines, each at dbfs, for seconds."""
    peak = amplitude(dbfs)
    steps = [2 * math.pi * f / RATE for f in freqs]
    return [sum(peak * math.sin(s * n) for s in steps) for n in range(round(seconds * RATE))]


def silence(seconds: float) -> list[float]:
    """Return seconds of silence."""
    return [0.0] * round(seconds * RATE)


def add_noise(values: Sequence[float], dbfs: float, seed: int = 1) -> list[float]:
    """Return values with white Gaussian noise of rms dbfs (relative to a full-scale sine)."""
    rng = random.Random(seed)
    sigma = amplitude(dbfs) / math.sqrt(2)
    return [v + rng.gauss(0.0, sigma) for v in values]


def frames(values: Sequence[float], size: int = 160) -> list[bytes]:
    """Return values as 20 ms PCM frames (the last padded with silence)."""
    pcm = to_pcm(values)
    step = size * 2
    return [pcm[i : i + step].ljust(step, b"\0") for i in range(0, len(pcm), step)]
