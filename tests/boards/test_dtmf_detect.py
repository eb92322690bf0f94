"""Software DTMF detection (Goertzel) on 8 kHz audio: keys, noise, twist, talk-off."""

from __future__ import annotations

import math
import random

import pytest

from appliance.boards.dsp import dtmf, pcm
from appliance.boards.dsp.dtmf import COLUMNS, ROWS, DtmfDetector

ALL_KEYS = "123A456B789C*0#D"


def detect(values: list[float]) -> str:
    """Feed values in 20 ms frames; return the keys detected."""
    detector = DtmfDetector()
    return "".join(detector.feed(pcm.samples(frame)) for frame in pcm.frames(values))


def test_every_key_at_several_levels() -> None:
    """All sixteen keys, 50 ms on and 50 ms off, from -35 to -3 dBFS each tone."""
    for level in (-35.0, -20.0, -3.0):
        assert detect(dtmf.generate(ALL_KEYS, 0.05, 0.05, level)) == ALL_KEYS


def test_keys_with_noise() -> None:
    """Keys 15 dB above white noise are all read."""
    values = pcm.add_noise(dtmf.generate(ALL_KEYS, 0.06, 0.06, -20.0), -35.0, seed=3)
    assert detect(values) == ALL_KEYS


def test_a_held_key_is_one_digit_and_a_repeat_is_two() -> None:
    """A key held 1 s counts once; the same key twice with a gap counts twice."""
    assert detect(dtmf.digit_tone("5", 1.0)) == "5"
    assert detect(dtmf.generate("55", 0.06, 0.06)) == "55"


def test_too_short_too_quiet_or_off_frequency_is_no_key() -> None:
    """Under 20 ms, under -42 dBFS, or 3.5 % off frequency: nothing."""
    assert detect(dtmf.digit_tone("1", 0.015) + pcm.silence(0.1)) == ""
    assert detect(dtmf.digit_tone("1", 0.1, -50.0)) == ""
    off = pcm.tone((ROWS[1] * 1.035, COLUMNS[1] * 1.035), 0.1, -10.0)
    assert detect(off) == ""


def test_twist_limits() -> None:
    """Row 6 dB louder than column is a key; 12 dB louder is not; column 3 dB louder is."""

    def pair(row_db: float, col_db: float) -> list[float]:
        return [
            a + b
            for a, b in zip(
                pcm.tone((ROWS[0],), 0.1, row_db), pcm.tone((COLUMNS[0],), 0.1, col_db), strict=True
            )
        ]

    assert detect(pair(-10.0, -16.0)) == "1"
    assert detect(pair(-10.0, -22.0)) == ""
    assert detect(pair(-13.0, -10.0)) == "1"
    assert detect(pair(-16.0, -10.0)) == ""


def speech_like(seconds: float, seed: int) -> list[float]:
    """Return voiced speech-like audio: a glottal pulse train, pitch gliding 90-260 Hz,
    through three moving formant resonators, with unvoiced noisy stretches."""
    rng = random.Random(seed)
    out: list[float] = []
    phase = 0.0
    states = [[0.0, 0.0] for _ in range(3)]
    for n in range(round(seconds * pcm.RATE)):
        t = n / pcm.RATE
        f0 = 175 + 85 * math.sin(2 * math.pi * 0.7 * t + seed)
        phase += f0 / pcm.RATE
        voiced = math.sin(2 * math.pi * 2.3 * t) > -0.6
        excitation = 3000.0 if voiced and phase % 1.0 < f0 / pcm.RATE else 0.0
        if not voiced:
            excitation = rng.gauss(0, 300)
        y = 0.0
        for k, (centre, swing) in enumerate(((700, 250), (1200, 500), (2500, 300))):
            f = centre + swing * math.sin(2 * math.pi * (1.1 + k * 0.4) * t)
            r = 0.97
            s = states[k]
            v = excitation + 2 * r * math.cos(2 * math.pi * f / pcm.RATE) * s[0] - r * r * s[1]
            s[1], s[0] = s[0], v
            y += v * (0.4 if k else 1.0)
        out.append(y)
    peak = max(abs(v) for v in out) or 1.0
    return [v / peak * 20000 for v in out]


def music_like(seconds: float) -> list[float]:
    """Return chords of piano-like notes (six harmonics, decaying), changing every
    0.25 s, over notes that sit near the DTMF tones (F5 698 Hz, D6 1175 Hz, E6 1319 Hz)."""
    chords = [(349.2, 440.0, 523.3), (698.5, 1174.7, 880.0), (659.3, 1318.5, 830.6),
              (392.0, 493.9, 587.3), (698.5, 1244.5, 1046.5), (440.0, 554.4, 659.3)]  # fmt: skip
    out: list[float] = []
    per = round(0.25 * pcm.RATE)
    for i in range(round(seconds / 0.25)):
        chord = chords[i % len(chords)]
        for n in range(per):
            decay = math.exp(-3 * n / per)
            v = 0.0
            for f in chord:
                for h in range(1, 7):
                    v += math.sin(2 * math.pi * f * h * n / pcm.RATE) / h
            out.append(4000 * decay * v)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_talk_off_on_speech_like_audio(seed: int) -> None:
    """Eight seconds of speech-like audio give no key."""
    assert detect(speech_like(8.0, seed)) == ""


def test_no_talk_off_on_music_like_audio() -> None:
    """Six seconds of chords with notes near DTMF frequencies give no key."""
    assert detect(music_like(6.0)) == ""


def test_keys_over_quiet_speech_are_read() -> None:
    """A key pressed while the caller still talks 15 dB lower is read."""
    speech = [v * 10 ** (-15 / 20) * 0.3 for v in speech_like(1.5, 4)]
    keys = pcm.silence(0.3) + dtmf.generate("7#", 0.08, 0.1, -10.0)
    mixed = [
        a + b for a, b in zip(speech, keys + pcm.silence(1.5 - len(keys) / 8000), strict=False)
    ]
    assert detect(mixed) == "7#"


def test_generator_refuses_a_non_key() -> None:
    """A character that is not a DTMF key is a clear error."""
    with pytest.raises(ValueError, match="not a DTMF key"):
        dtmf.generate("12x")
