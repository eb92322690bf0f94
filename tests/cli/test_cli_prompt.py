"""`callbox prompt` on a real store and prompt folder: upload, tts, list, delete, refusals."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

Runner = Callable[..., subprocess.CompletedProcess[str]]


def test_upload_tts_list_and_delete(callbox: Runner, var_dir: Path, tmp_path: Path) -> None:
    assert callbox("migrate").returncode == 0
    wav = tmp_path / "Greeting.WAV"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "2", str(wav), "synth", "1", "sine", "500"],
                   check=True)  # fmt: skip
    uploaded = callbox("prompt", "upload", str(wav), "greeting", "--language", "zh")
    assert uploaded.returncode == 0, uploaded.stderr
    assert uploaded.stdout.startswith("zh  greeting") and "upload" in uploaded.stdout
    assert callbox("prompt", "tts", "closed", "We are closed.").returncode == 0
    listed = callbox("prompt", "list").stdout.splitlines()
    assert [line.split()[:3] for line in listed] == [
        ["en", "closed", "tts"],
        ["zh", "greeting", "upload"],
    ]
    deleted = callbox("prompt", "delete", "greeting", "--language", "zh")
    assert deleted.stdout.strip() == "deleted zh/greeting"
    assert not (var_dir / "prompts" / "zh" / "greeting.wav").exists()


def test_a_bad_upload_is_one_line_and_changes_nothing(callbox: Runner, tmp_path: Path) -> None:
    assert callbox("migrate").returncode == 0
    notes = tmp_path / "notes.wav"
    notes.write_text("not audio at all")
    result = callbox("prompt", "upload", str(notes), "greeting")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "not WAV or MP3 audio" in result.stderr and "Traceback" not in result.stderr
    assert callbox("prompt", "list").stdout == ""
