"""A board line's audio formats, to and from the bridge's 16-bit PCM.

A line gives and takes one of FORMATS: `slin16` (8 kHz 16-bit little-endian PCM, the
bridge's own), `ulaw` or `alaw` (G.711).  The G.711 codec itself lives in one place,
`appliance/boards/g711.py` (checked against the reference codec for every code); this
module only picks it by format name for the engine's `LineBridge`.
"""

from __future__ import annotations

from appliance.boards import g711

FORMATS = ("slin16", "ulaw", "alaw")


def to_pcm(data: bytes, fmt: str) -> bytes:
    """Return 16-bit little-endian PCM for audio in fmt (one of FORMATS)."""
    if fmt == "slin16":
        if len(data) % 2:
            raise ValueError("16-bit PCM must have an even number of bytes")
        return bytes(data)
    return g711.decode(bytes(data), _law(fmt))


def from_pcm(pcm: bytes, fmt: str) -> bytes:
    """Return 16-bit little-endian PCM converted to fmt (one of FORMATS)."""
    if len(pcm) % 2:
        raise ValueError("16-bit PCM must have an even number of bytes")
    if fmt == "slin16":
        return bytes(pcm)
    return g711.encode(bytes(pcm), _law(fmt))


def bytes_per_frame(fmt: str, samples: int = 160) -> int:
    """Return the size of one frame of samples in fmt (20 ms at 8 kHz by default)."""
    _known(fmt)
    return samples * (2 if fmt == "slin16" else 1)


def _law(fmt: str) -> str:
    """Return fmt if it is a G.711 law (ValueError naming the formats otherwise)."""
    _known(fmt)
    return fmt


def _known(fmt: str) -> None:
    """Raise ValueError unless fmt is one of FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown audio format {fmt!r}: expected one of {', '.join(FORMATS)}")
