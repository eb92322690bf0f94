"""G.711 µ-law and A-law to and from 16-bit linear PCM (ITU-T G.711, 8 kHz).

Board drivers that hand over G.711 bytes (DAHDI channels, some GSM modules) are
converted here, in one place, before their audio reaches the conference bridge.
Lookup tables, built once on first use: decoding maps each byte to a sample,
encoding maps each of the 65536 sample values to a byte.  PCM is little-endian,
as the bridge and WAV files carry it.
"""

from __future__ import annotations

import array
import sys
from functools import cache

FORMATS = ("slin16", "ulaw", "alaw")
"""Audio formats a line may declare: 16-bit linear PCM, µ-law or A-law bytes."""

_ULAW_BIAS = 0x84
_ULAW_CLIP14 = 8159
_ULAW_SEG_END = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_ALAW_SEG_END = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def _segment(value: int, ends: tuple[int, ...]) -> int:
    """Return the index of the first segment whose end is at least value (8 past the last)."""
    for segment, end in enumerate(ends):
        if value <= end:
            return segment
    return len(ends)


def ulaw_encode_sample(sample: int) -> int:
    """Return the µ-law byte for one 16-bit sample (the Sun reference code pjmedia uses)."""
    value = sample >> 2
    if value < 0:
        value, mask = -value, 0x7F
    else:
        mask = 0xFF
    value = min(value, _ULAW_CLIP14) + (_ULAW_BIAS >> 2)
    segment = _segment(value, _ULAW_SEG_END)
    if segment == 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask


def ulaw_decode_sample(byte: int) -> int:
    """Return the 16-bit sample of one µ-law byte."""
    u = ~byte & 0xFF
    exponent = (u >> 4) & 0x07
    magnitude = (((u & 0x0F) << 3) + _ULAW_BIAS) << exponent
    magnitude -= _ULAW_BIAS
    return -magnitude if u & 0x80 else magnitude


def alaw_encode_sample(sample: int) -> int:
    """Return the A-law byte for one 16-bit sample."""
    value = sample >> 3
    if value >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        value = -value - 1
    segment = _segment(value, _ALAW_SEG_END)
    if segment == 8:
        return 0x7F ^ mask
    shift = 1 if segment < 2 else segment
    return ((segment << 4) | ((value >> shift) & 0x0F)) ^ mask


def alaw_decode_sample(byte: int) -> int:
    """Return the 16-bit sample of one A-law byte."""
    a = byte ^ 0x55
    value = (a & 0x0F) << 4
    segment = (a & 0x70) >> 4
    if segment == 0:
        value += 8
    else:
        value = (value + 0x108) << (segment - 1)
    return value if a & 0x80 else -value


@cache
def _decode_table(law: str) -> tuple[int, ...]:
    """Return the 256 samples of a law's bytes."""
    decode = ulaw_decode_sample if law == "ulaw" else alaw_decode_sample
    return tuple(decode(b) for b in range(256))


@cache
def _encode_table(law: str) -> bytes:
    """Return a law's byte for every sample value, indexed by the sample as unsigned 16-bit."""
    encode = ulaw_encode_sample if law == "ulaw" else alaw_encode_sample
    return bytes(encode(v - 0x10000 if v >= 0x8000 else v) for v in range(0x10000))


def _law(fmt: str) -> str:
    """Check that fmt is a G.711 law and return it."""
    if fmt not in ("ulaw", "alaw"):
        raise ValueError(f"unknown G.711 law {fmt!r}: expected 'ulaw' or 'alaw'")
    return fmt


def to_pcm(data: bytes, fmt: str) -> bytes:
    """Return 16-bit little-endian PCM for audio in fmt (one of FORMATS)."""
    if fmt == "slin16":
        if len(data) % 2:
            raise ValueError("16-bit PCM must have an even number of bytes")
        return bytes(data)
    table = _decode_table(_law(fmt))
    samples = array.array("h", map(table.__getitem__, data))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def from_pcm(pcm: bytes, fmt: str) -> bytes:
    """Return 16-bit little-endian PCM converted to fmt (one of FORMATS)."""
    if len(pcm) % 2:
        raise ValueError("16-bit PCM must have an even number of bytes")
    if fmt == "slin16":
        return bytes(pcm)
    table = _encode_table(_law(fmt))
    samples = array.array("H", pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    return bytes(map(table.__getitem__, samples))


def bytes_per_frame(fmt: str, samples: int = 160) -> int:
    """Return the size of one frame of samples in fmt (20 ms at 8 kHz by default)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown audio format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return samples * (2 if fmt == "slin16" else 1)
