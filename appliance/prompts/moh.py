"""Synthesize the default music on hold with sox."""

from __future__ import annotations

import tempfile
from pathlib import Path

from appliance.prompts import catalog
from appliance.prompts.tts import WAV_FORMAT, sox, staging

# sox's pluck needs a CD-like rate; the result is resampled to 8 kHz at the end.
SYNTH_RATE = "44100"


def render_moh(target: Path) -> Path:
    """Write about 30 s of soft chord music to target as 8 kHz mono WAV (atomically)."""
    with tempfile.TemporaryDirectory(prefix="callbox-moh-") as work:
        chords = [
            _render_chord(notes, Path(work) / f"chord{i}.wav")
            for i, notes in enumerate(catalog.MOH_CHORDS)
        ]
        sequence = [str(c) for c in chords] * catalog.MOH_REPEATS
        total = catalog.MOH_CHORD_SECONDS * len(sequence)
        with staging(target) as tmp:
            sox(
                [
                    *sequence,
                    *WAV_FORMAT,
                    str(tmp),
                    "fade",
                    "h",
                    "1",
                    str(total),
                    "2.5",
                    "norm",
                    "-8",
                ],
                "sox (music on hold)",
            )
    return target


def render_tone(hertz: int, seconds: float, target: Path) -> Path:
    """Write a sine tone (e.g. the voicemail beep) to target as 8 kHz mono WAV (atomically)."""
    with staging(target) as tmp:
        sox(["-n", *WAV_FORMAT, str(tmp), "synth", str(seconds), "sine", str(hertz), "vol", "0.5"],
            "sox (tone)")  # fmt: skip
    return target


def _render_chord(notes: tuple[str, str, str, str], path: Path) -> Path:
    """Write one chord: a plucked bass note and three sine voices, mixed to mono."""
    bass, *pad = notes
    seconds = str(catalog.MOH_CHORD_SECONDS)
    args = [
        "-c",
        "4",
        "-r",
        SYNTH_RATE,
        "-n",
        "-c",
        "1",
        "-b",
        "16",
        str(path),
        "synth",
        seconds,
        "pluck",
        bass,
        *[v for n in pad for v in ("sine", n)],
        "tremolo",
        "5",
        "20",
        "fade",
        "h",
        "0.3",
        seconds,
        "0.5",
    ]
    sox(args, "sox (music on hold)")
    return path
