"""Prompt lengths are read per file version: a replaced prompt is timed by its new length."""

from __future__ import annotations

import subprocess
from pathlib import Path

from appliance.engine.media import wav_seconds
from appliance.prompts.tts import staging


def silence(path: Path, seconds: float) -> None:
    """Write seconds of 8 kHz silence to path."""
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", "-t", "wav", str(path),
                    "trim", "0", str(seconds)], check=True)  # fmt: skip


def test_a_replaced_prompt_is_measured_again(tmp_path: Path) -> None:
    target = tmp_path / "en" / "promo.wav"
    target.parent.mkdir()
    silence(target, 1.0)
    assert wav_seconds(str(target)) == 1.0
    with staging(target) as tmp:  # as an upload replaces it
        silence(tmp, 2.5)
    assert wav_seconds(str(target)) == 2.5
