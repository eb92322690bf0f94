"""Render audio with espeak-ng and sox as 8 kHz mono 16-bit PCM WAV."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from appliance.prompts.exceptions import PromptError

# The format the engine's players expect: telephone rate, mono, 16-bit signed PCM.
WAV_FORMAT = ["-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "wav"]


def speak(text: str, voice: str, target: Path) -> Path:
    """Write text spoken by espeak-ng's voice to target (atomically)."""
    with staging(target) as tmp:
        tts = subprocess.run(
            ["espeak-ng", "-v", voice, "-s", "150", "--stdout", text],
            capture_output=True,
            check=False,
        )
        _check(tts, f"espeak-ng -v {voice}")
        # norm leaves headroom: espeak's output clips when resampled otherwise.
        convert = ["sox", "-t", "wav", "-", *WAV_FORMAT, str(tmp), "norm", "-3"]
        _check(subprocess.run(convert, input=tts.stdout, capture_output=True, check=False), "sox")
    return target


def sox(args: list[str], what: str) -> None:
    """Run sox with args, raising PromptError with its message on failure."""
    _check(subprocess.run(["sox", *args], capture_output=True, check=False), what)


@contextlib.contextmanager
def staging(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside target; rename it over target when the body succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".wav", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)  # prompts are not secrets; mkstemp made the file 0600
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _check(result: subprocess.CompletedProcess[bytes], what: str) -> None:
    """Raise PromptError with the tool's last error line unless it succeeded."""
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise PromptError(f"{what} failed (exit {result.returncode}): {lines[-1]}")
