"""A line's formats to and from the bridge's PCM (the codec: tests/boards/test_g711.py)."""

from __future__ import annotations

import array
import math

import pytest

from appliance.engine import line_format


def test_reference_values_from_the_g711_tables() -> None:
    # µ-law: silence is 0xFF, full scale 0x80/0x00, the decoder's extremes ±32124.
    assert (
        line_format.from_pcm(array.array("h", [0, 32767, -32768]).tobytes(), "ulaw")
        == b"\xff\x80\x00"
    )
    assert array.array("h", line_format.to_pcm(b"\xff\x80\x00", "ulaw")).tolist() == [
        0,
        32124,
        -32124,
    ]
    # A-law: silence is 0xD5 (decodes to +8), full scale 0xAA/0x2A (±32256).
    assert (
        line_format.from_pcm(array.array("h", [0, 32767, -32768]).tobytes(), "alaw")
        == b"\xd5\xaa\x2a"
    )
    assert array.array("h", line_format.to_pcm(b"\xd5\x55\xaa\x2a", "alaw")).tolist() == [
        8,
        -8,
        32256,
        -32256,
    ]


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_a_round_trip_keeps_a_tone_within_the_companding_error(law: str) -> None:
    tone = array.array("h", (int(12000 * math.sin(math.pi * i / 4)) for i in range(800)))  # 1 kHz
    back = array.array("h", line_format.to_pcm(line_format.from_pcm(tone.tobytes(), law), law))
    assert len(back) == len(tone)
    # G.711 keeps about 4 bits of mantissa: error under 1/16 of the sample plus a step.
    assert all(abs(a - b) <= abs(a) / 16 + 16 for a, b in zip(tone, back, strict=True))


def test_linear_pcm_passes_through() -> None:
    pcm = array.array("h", [1, -2, 300]).tobytes()
    assert line_format.to_pcm(pcm, "slin16") == pcm
    assert line_format.from_pcm(pcm, "slin16") == pcm
    assert line_format.bytes_per_frame("slin16") == 320
    assert line_format.bytes_per_frame("ulaw") == line_format.bytes_per_frame("alaw") == 160


def test_bad_input_gets_a_clear_error() -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        line_format.from_pcm(b"\x00\x01\x02", "ulaw")
    with pytest.raises(ValueError, match="even number of bytes"):
        line_format.to_pcm(b"\x00", "slin16")
    with pytest.raises(ValueError, match="unknown audio format 'gsm'"):
        line_format.to_pcm(b"\x00", "gsm")
    with pytest.raises(ValueError, match="unknown audio format 'mp3'"):
        line_format.bytes_per_frame("mp3")
