"""Tell WAV from MP3 by content and convert either to the engine's format with sox."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

from appliance.prompts.const import MAX_SECONDS, MAX_UPLOAD_BYTES
from appliance.prompts.exceptions import EmptyAudio, NotAudio, PromptError, TooBig, TooLong
from appliance.prompts.tts import WAV_FORMAT, sox

HEADER_BYTES = 12
# Converting stops a little past the limit: a longer file is refused, never converted whole.
CUT_SECONDS = MAX_SECONDS + 1.0
MP3_MISSING = "sox cannot read MP3 here: install it with `apt-get install libsox-fmt-mp3`"


@dataclass(frozen=True)
class Audio:
    """A converted prompt file: its playing time and size."""

    seconds: float
    bytes: int


def detect(path: Path) -> str:
    """Return sox's type for the file ("wav" or "mp3") from its first bytes, or raise."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyAudio(f"{path.name} is empty")
    if size > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise TooBig(f"{path.name} is {size / 1048576:.1f} MB; the limit is {limit} MB")
    with path.open("rb") as f:
        head = f.read(HEADER_BYTES)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or _mpeg_frame(head):
        return "mp3"
    raise NotAudio(f"{path.name} is not WAV or MP3 audio (judged by its content, not its name)")


def convert(source: Path, kind: str, target: Path, effects: list[str] | None = None) -> Audio:
    """Write source as 8 kHz mono 16-bit WAV to target (a staging file) and check it."""
    try:
        sox(["-t", kind, str(source), *WAV_FORMAT, str(target), *(effects or []),
             "trim", "0", str(CUT_SECONDS)], "sox")  # fmt: skip
    except PromptError as exc:
        if kind == "mp3" and "no handler" in str(exc):
            raise PromptError(MP3_MISSING) from None
        raise NotAudio(f"{source.name} could not be read as {kind.upper()} audio: {exc}") from None
    return measure(target)


def measure(path: Path) -> Audio:
    """Return a converted file's length and size, refusing empty or overlong audio."""
    try:
        with wave.open(str(path), "rb") as w:
            seconds = w.getnframes() / float(w.getframerate())
    except (wave.Error, EOFError) as exc:
        raise NotAudio(f"the converted audio is unreadable: {exc}") from None
    if seconds <= 0:
        raise EmptyAudio("the audio has no sound in it")
    if seconds > MAX_SECONDS:
        raise TooLong(f"the audio is longer than the limit of {MAX_SECONDS:.0f} seconds")
    return Audio(round(seconds, 3), path.stat().st_size)


def _mpeg_frame(head: bytes) -> bool:
    """Return true if head starts with an MPEG audio frame header (sync bits, a layer)."""
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0
