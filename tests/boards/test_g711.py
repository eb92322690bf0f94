"""G.711 by table, checked against the standard library's audioop (present in 3.11)."""

from __future__ import annotations

import math
import struct
import warnings

import pytest

from appliance.boards import audio, g711

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # gone in 3.13; the box runs 3.11, where it is the reference

EVERY_SAMPLE = struct.pack("<65536h", *range(-32768, 32768))


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_every_code_decodes_like_audioop(law: str) -> None:
    """All 256 codes decode to the same linear sample as audioop's."""
    codes = bytes(range(256))
    reference = audioop.ulaw2lin(codes, 2) if law == "ulaw" else audioop.alaw2lin(codes, 2)
    assert g711.decode(codes, law) == reference


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_every_sample_encodes_like_audioop(law: str) -> None:
    """All 65536 16-bit samples encode to the same code as audioop's."""
    reference = (
        audioop.lin2ulaw(EVERY_SAMPLE, 2) if law == "ulaw" else audioop.lin2alaw(EVERY_SAMPLE, 2)
    )
    assert g711.encode(EVERY_SAMPLE, law) == reference


def test_a_tone_survives_the_bridge_round_trip() -> None:
    """A 1 kHz tone through ulaw and back stays within G.711's quantisation error."""
    pcm = struct.pack(
        "<160h", *(int(8000 * math.sin(2 * math.pi * 1000 * i / 8000)) for i in range(160))
    )
    frame = audio.from_bridge(pcm, audio.ULAW_8K)
    assert len(frame) == 160
    back = struct.unpack("<160h", audio.to_bridge(frame, audio.ULAW_8K))
    original = struct.unpack("<160h", pcm)
    assert max(abs(a - b) for a, b in zip(original, back, strict=True)) < 8000 * 0.04


def test_frame_sizes_and_bad_frames() -> None:
    """Frames are 20 ms: 320 bytes of PCM, 160 of G.711; anything else is refused."""
    assert (audio.PCM16_8K.frame_bytes, audio.ULAW_8K.frame_bytes) == (320, 160)
    with pytest.raises(ValueError, match="a 20 ms ulaw frame is 160 bytes, got 159"):
        audio.to_bridge(bytes(159), audio.ULAW_8K)
    with pytest.raises(ValueError, match=r"unknown G\.711 law 'gsm'"):
        g711.decode(b"\x00", "gsm")
    with pytest.raises(ValueError, match="even length"):
        g711.encode(b"\x00", "alaw")
