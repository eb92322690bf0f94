"""Generate the prompts and music on hold that are missing under <paths.prompts>."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from appliance.prompts import catalog
from appliance.prompts.exceptions import ToolMissing
from appliance.prompts.moh import render_moh, render_tone
from appliance.prompts.tts import speak

REQUIRED_TOOLS = {"espeak-ng": "espeak-ng", "sox": "sox"}  # binary → Debian package
MOH_RELATIVE = Path("moh") / "default.wav"
Job = tuple[Callable[..., Path], tuple[object, ...]]


def prompt_path(prompts_dir: Path | str, language: str, name: str) -> Path:
    """Return where the prompt name in language lives."""
    return Path(prompts_dir) / language / f"{name}.wav"


def generate_missing(prompts_dir: Path | str) -> list[Path]:
    """Synthesize every prompt file not yet present and return the files written."""
    root = Path(prompts_dir)
    jobs = _missing_jobs(root)
    if not jobs:
        return []
    check_tools()
    # Each job is a pair of short subprocesses; threads overlap them (< 1 s in all).
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(job, *args) for job, args in jobs]
        return [future.result() for future in futures]


def check_tools() -> None:
    """Raise ToolMissing naming the apt package when espeak-ng or sox is absent."""
    for tool, package in REQUIRED_TOOLS.items():
        if shutil.which(tool) is None:
            raise ToolMissing(tool, package)


def _missing_jobs(root: Path) -> list[Job]:
    """Return (function, arguments) for each file that does not exist yet."""
    jobs: list[Job] = []
    for name, texts in catalog.PROMPTS.items():
        for language, voice in catalog.VOICES.items():
            target = prompt_path(root, language, name)
            if not target.exists():
                jobs.append((speak, (texts[language], voice, target)))
    for name, (hertz, seconds) in catalog.TONES.items():
        target = prompt_path(root, "en", name)  # other languages fall back to English
        if not target.exists():
            jobs.append((render_tone, (hertz, seconds, target)))
    if not (root / MOH_RELATIVE).exists():
        jobs.append((render_moh, (root / MOH_RELATIVE,)))
    return jobs
