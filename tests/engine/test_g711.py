"""G.711 conversion for board lines that give µ-law or A-law, against the reference values."""

from __future__ import annotations

import array
import math
import warnings

import pytest

from appliance.engine import g711

ALL_SAMPLES = array.array("h", range(-32768, 32768)).tobytes()


def test_reference_values_from_the_g711_tables() -> None:
    # µ-law: silence is 0xFF, full scale 0x80/0x00, the decoder's extremes ±32124.
    assert g711.from_pcm(array.array("h", [0, 32767, -32768]).tobytes(), "ulaw") == b"\xff\x80\x00"
    assert array.array("h", g711.to_pcm(b"\xff\x80\x00", "ulaw")).tolist() == [0, 32124, -32124]
    # A-law: silence is 0xD5 (decodes to +8), full scale 0xAA/0x2A (±32256).
    assert g711.from_pcm(array.array("h", [0, 32767, -32768]).tobytes(), "alaw") == b"\xd5\xaa\x2a"
    assert array.array("h", g711.to_pcm(b"\xd5\x55\xaa\x2a", "alaw")).tolist() == [
        8,
        -8,
        32256,
        -32256,
    ]


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_every_sample_matches_the_reference_codec(law: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        audioop = pytest.importorskip("audioop")  # the Sun reference code, until Python 3.13
    encode = audioop.lin2ulaw if law == "ulaw" else audioop.lin2alaw
    decode = audioop.ulaw2lin if law == "ulaw" else audioop.alaw2lin
    assert g711.from_pcm(ALL_SAMPLES, law) == encode(ALL_SAMPLES, 2)
    assert g711.to_pcm(bytes(range(256)), law) == decode(bytes(range(256)), 2)


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_a_round_trip_keeps_a_tone_within_the_companding_error(law: str) -> None:
    tone = array.array("h", (int(12000 * math.sin(math.pi * i / 4)) for i in range(800)))  # 1 kHz
    back = array.array("h", g711.to_pcm(g711.from_pcm(tone.tobytes(), law), law))
    assert len(back) == len(tone)
    # G.711 keeps about 4 bits of mantissa: error under 1/16 of the sample plus a step.
    assert all(abs(a - b) <= abs(a) / 16 + 16 for a, b in zip(tone, back, strict=True))


def test_linear_pcm_passes_through() -> None:
    pcm = array.array("h", [1, -2, 300]).tobytes()
    assert g711.to_pcm(pcm, "slin16") == pcm
    assert g711.from_pcm(pcm, "slin16") == pcm
    assert g711.bytes_per_frame("slin16") == 320
    assert g711.bytes_per_frame("ulaw") == g711.bytes_per_frame("alaw") == 160


def test_bad_input_gets_a_clear_error() -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        g711.from_pcm(b"\x00\x01\x02", "ulaw")
    with pytest.raises(ValueError, match="even number of bytes"):
        g711.to_pcm(b"\x00", "slin16")
    with pytest.raises(ValueError, match=r"unknown G\.711 law 'gsm'"):
        g711.to_pcm(b"\x00", "gsm")
    with pytest.raises(ValueError, match="unknown audio format 'mp3'"):
        g711.bytes_per_frame("mp3")
