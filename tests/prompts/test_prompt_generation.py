"""Prompt generation: every prompt in both languages plus music on hold, as 8 kHz mono WAV."""

from __future__ import annotations

import shutil
import time
import wave
from pathlib import Path

import pytest

from appliance.prompts import catalog, generate_missing, prompt_path
from appliance.prompts import manager as prompts_manager
from appliance.prompts.exceptions import ToolMissing


def wav_seconds(path: Path) -> float:
    """Return a WAV file's length, asserting it is 8 kHz mono 16-bit PCM."""
    with wave.open(str(path)) as audio:
        assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (8000, 1, 2)
        return audio.getnframes() / audio.getframerate()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], float]:
    """Generate the prompts once for this module; return the folder, files and seconds taken."""
    root = tmp_path_factory.mktemp("prompts")
    started = time.monotonic()
    files = generate_missing(root)
    return root, files, time.monotonic() - started


def test_every_prompt_in_every_language(generated: tuple[Path, list[Path], float]) -> None:
    """Write each prompt for en and zh: sentences a second or so, number words shorter."""
    root, _, _ = generated
    for name in catalog.PROMPTS:
        fragment = name.startswith(("num-", "minute", "queue-position-end"))  # parts of a sentence
        shortest = 0.3 if fragment else 0.8
        for language in ("en", "zh"):
            assert wav_seconds(prompt_path(root, language, name)) > shortest, (language, name)


def test_tones_are_written_once_for_every_language(
    generated: tuple[Path, list[Path], float],
) -> None:
    """Write the beep in the English folder (other languages fall back to it)."""
    root, _, _ = generated
    for name, (_, seconds) in catalog.TONES.items():
        assert wav_seconds(prompt_path(root, "en", name)) == pytest.approx(seconds, abs=0.01)
        assert not prompt_path(root, "zh", name).exists()


def test_music_on_hold(generated: tuple[Path, list[Path], float]) -> None:
    """Write about 30 s of music on hold that is not silence."""
    root, _, _ = generated
    path = root / "moh" / "default.wav"
    assert 25 <= wav_seconds(path) <= 35
    with wave.open(str(path)) as audio:
        frames = audio.readframes(audio.getnframes())
    assert max(frames[1::2]) > 8  # high bytes of samples: audible amplitude somewhere


def test_generation_makes_every_file(generated: tuple[Path, list[Path], float]) -> None:
    """Generate one file per prompt and voice, each tone, and the music on hold.

    (How long it takes is a benchmark's business, not a test's: bench/prompts.py.)
    """
    _, files, _seconds = generated
    assert len(files) == len(catalog.PROMPTS) * len(catalog.VOICES) + len(catalog.TONES) + 1


def test_only_missing_files_are_regenerated(tmp_path: Path) -> None:
    """Leave present files alone and recreate only what was deleted."""
    generate_missing(tmp_path)
    kept = prompt_path(tmp_path, "en", "welcome")
    kept_mtime = kept.stat().st_mtime_ns
    prompt_path(tmp_path, "zh", "goodbye").unlink()
    assert generate_missing(tmp_path) == [prompt_path(tmp_path, "zh", "goodbye")]
    assert kept.stat().st_mtime_ns == kept_mtime
    assert generate_missing(tmp_path) == []
    assert not list(tmp_path.rglob(".*.wav"))  # no temporary files left behind


@pytest.mark.parametrize("tool", ["espeak-ng", "sox"])
def test_missing_tool_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str
) -> None:
    """Refuse with the apt package to install when a tool is missing."""
    real_which = shutil.which
    monkeypatch.setattr(
        prompts_manager.shutil, "which", lambda name: None if name == tool else real_which(name)
    )
    with pytest.raises(ToolMissing, match=rf"apt-get install {tool}"):
        generate_missing(tmp_path)
