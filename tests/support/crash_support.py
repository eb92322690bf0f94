"""Helpers of the crash and full-disk tests: a small file system, WAV checks, alert reads."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box

CHUNK = 64 * 1024


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    """Mount a size-limited tmpfs on folder for the test (root only; CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI and `make test` on the box run as root)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Write a file into folder until the file system is full (ENOSPC); return it."""
    filler = folder / "filler.bin"
    block = b"\0" * CHUNK
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(block)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    with contextlib.suppress(OSError), filler.open("ab", buffering=0) as f:
        while True:  # the last few KB, so that nothing at all is left
            f.write(b"\0" * 512)
    return filler


def wav_frames(path: Path) -> int:
    """Return a WAV's frames, asserting it parses and its header matches its size."""
    with wave.open(str(path), "rb") as w:
        frames, width, channels = w.getnframes(), w.getsampwidth(), w.getnchannels()
    data = path.stat().st_size - 44
    assert frames == data // (width * channels), f"{path}: header says {frames} frames"
    return frames


def all_wavs(folder: Path) -> dict[str, int]:
    """Return every WAV under folder (relative path) with its frames; each must parse."""
    return {str(p.relative_to(folder)): wav_frames(p) for p in sorted(folder.rglob("*.wav"))}


def closed_wavs(folder: Path, timeout: float = 3.0) -> dict[str, int]:
    """Return all_wavs once every file's header is written (a recorder closes at the next tick)."""
    end = time.monotonic() + timeout
    while True:
        try:
            return all_wavs(folder)
        except (wave.Error, EOFError, AssertionError):
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


def active_alerts(box: Box) -> dict[str, dict[str, Any]]:
    """Return the active alerts by key."""
    with contextlib.closing(box.db()) as conn:
        rows = conn.execute("SELECT * FROM alert WHERE cleared_at IS NULL").fetchall()
    return {r["key"]: dict(r) for r in rows}
