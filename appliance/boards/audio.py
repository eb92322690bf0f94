"""A port's audio: 20 ms frames in a declared format, and the one place formats convert.

The media bridge (the engine's conference bridge, joined by the audio helper's media
port) takes 8 kHz 16-bit mono PCM: 320 bytes every 20 ms. A port declares the format
its device gives; `to_bridge` and `from_bridge` are the only conversions.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.boards import g711
from appliance.boards.exceptions import AudioNotWired

FRAME_MS = 20


@dataclass(frozen=True)
class AudioFormat:
    """How a port's frames are encoded: 'pcm16' (signed, little-endian), 'ulaw' or 'alaw'."""

    encoding: str
    rate: int = 8000
    channels: int = 1

    @property
    def frame_bytes(self) -> int:
        """Return the size of one 20 ms frame."""
        width = 2 if self.encoding == "pcm16" else 1
        return self.rate * FRAME_MS // 1000 * width * self.channels


PCM16_8K = AudioFormat("pcm16")  # the bridge's format: 320 bytes a frame
ULAW_8K = AudioFormat("ulaw")  # 160 bytes a frame
ALAW_8K = AudioFormat("alaw")


def to_bridge(frame: bytes, fmt: AudioFormat) -> bytes:
    """Return a port's frame as bridge PCM (8 kHz 16-bit mono)."""
    _check_frame(frame, fmt)
    return frame if fmt.encoding == "pcm16" else g711.decode(frame, fmt.encoding)


def from_bridge(pcm: bytes, fmt: AudioFormat) -> bytes:
    """Return a bridge PCM frame in a port's format."""
    _check_frame(pcm, PCM16_8K)
    return pcm if fmt.encoding == "pcm16" else g711.encode(pcm, fmt.encoding)


def _check_frame(frame: bytes, fmt: AudioFormat) -> None:
    """Raise ValueError unless the frame is one 20 ms frame of the format."""
    if fmt.rate != 8000 or fmt.channels != 1:
        raise ValueError(f"only 8 kHz mono is converted, not {fmt}")
    if len(frame) != fmt.frame_bytes:
        raise ValueError(
            f"a 20 ms {fmt.encoding} frame is {fmt.frame_bytes} bytes, got {len(frame)}"
        )


class AudioStream:
    """A port's two-way audio in 20 ms frames of `format`.

    `read_frame` returns the next frame from the line (None when none came within
    `timeout`); `write_frame` sends one frame to the line. A driver whose device audio
    is not yet joined leaves this base, which says so instead of pretending.
    """

    def __init__(self, fmt: AudioFormat, path: str) -> None:
        """Declare the stream's format and where its audio comes from (for people)."""
        self.format = fmt
        self.path = path

    def read_frame(self, timeout: float) -> bytes | None:
        """Return the next frame from the line, or None after timeout seconds."""
        raise AudioNotWired(f"audio path {self.path!r} is not joined to the media bridge yet")

    def write_frame(self, frame: bytes) -> None:
        """Send one frame to the line."""
        raise AudioNotWired(f"audio path {self.path!r} is not joined to the media bridge yet")
