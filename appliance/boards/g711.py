"""G.711 μ-law and A-law to and from 16-bit linear PCM, by table (no `audioop`).

`audioop` is deprecated in Python 3.11 and gone in 3.13, so the two laws are computed
here from their definitions (ITU-T G.711, as in the reference `g711.c`): a 256-entry
decode table and a 65536-entry encode table per law, built once on first use.
Samples are signed 16-bit little-endian (the host order of every box we ship on).
"""

from __future__ import annotations

import functools
import sys
from array import array

_ULAW_BIAS = 0x84
_ULAW_CLIP = 8159  # on 14-bit samples
_ULAW_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_ALAW_SEGMENT_ENDS = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def ulaw_decode_sample(code: int) -> int:
    """Return the linear sample a μ-law byte stands for."""
    code = ~code & 0xFF
    exponent = (code >> 4) & 0x07
    sample = ((((code & 0x0F) << 3) + _ULAW_BIAS) << exponent) - _ULAW_BIAS
    return -sample if code & 0x80 else sample


def ulaw_encode_sample(sample: int) -> int:
    """Return the μ-law byte for a signed 16-bit sample (on its top 14 bits, as g711.c)."""
    value = sample >> 2
    mask = 0x7F if value < 0 else 0xFF
    value = min(-value if value < 0 else value, _ULAW_CLIP) + (_ULAW_BIAS >> 2)
    segment = next((i for i, end in enumerate(_ULAW_SEGMENT_ENDS) if value <= end), 8)
    if segment >= 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask


def alaw_decode_sample(code: int) -> int:
    """Return the linear sample an A-law byte stands for."""
    code ^= 0x55
    value = (code & 0x0F) << 4
    segment = (code & 0x70) >> 4
    if segment == 0:
        value += 8
    else:
        value = (value + 0x108) << (segment - 1)
    return value if code & 0x80 else -value


def alaw_encode_sample(sample: int) -> int:
    """Return the A-law byte for a signed 16-bit sample."""
    value = sample >> 3
    mask = 0xD5 if value >= 0 else 0x55
    if value < 0:
        value = -value - 1
    segment = next((i for i, end in enumerate(_ALAW_SEGMENT_ENDS) if value <= end), 8)
    if segment >= 8:
        return 0x7F ^ mask
    shift = 1 if segment < 2 else segment
    return ((segment << 4) | ((value >> shift) & 0x0F)) ^ mask


@functools.cache
def _decode_table(law: str) -> tuple[int, ...]:
    """Return the 256 linear samples of a law's codes."""
    decode = ulaw_decode_sample if law == "ulaw" else alaw_decode_sample
    return tuple(decode(code) for code in range(256))


@functools.cache
def _encode_table(law: str) -> bytes:
    """Return the code of every 16-bit sample, indexed by the sample as unsigned."""
    encode = ulaw_encode_sample if law == "ulaw" else alaw_encode_sample
    return bytes(encode(i - 65536 if i >= 32768 else i) for i in range(65536))


def _check_law(law: str) -> None:
    """Raise ValueError unless law is one of the two G.711 laws."""
    if law not in ("ulaw", "alaw"):
        raise ValueError(f"unknown G.711 law {law!r}: use 'ulaw' or 'alaw'")


def decode(data: bytes, law: str) -> bytes:
    """Return 16-bit linear PCM for G.711 bytes of the given law."""
    _check_law(law)
    table = _decode_table(law)
    samples = array("h", (table[code] for code in data))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def encode(pcm: bytes, law: str) -> bytes:
    """Return G.711 bytes of the given law for 16-bit linear PCM."""
    _check_law(law)
    if len(pcm) % 2:
        raise ValueError(f"16-bit PCM has an even length, got {len(pcm)} bytes")
    samples = array("H", pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    table = _encode_table(law)
    return bytes(table[sample] for sample in samples)
