"""Answering-machine detection: hear the first seconds of an answered call, say who it is.

The classic algorithm, as Asterisk's app_amd documents it, run frame by frame on
8 kHz 16-bit signed little-endian mono PCM in 20 ms frames.  A frame is *voice* when
its mean absolute amplitude reaches `silence_threshold`, else *silence*.  Runs of
voice at least `min_word_ms` long, separated by at least `between_words_silence_ms`
of silence, are words.  The verdict comes from the first rule that fires:

- MACHINE `initial_silence`: nobody spoke for `initial_silence_ms` after answer
  (a machine whose greeting starts late, or a dead line: the detector cannot tell
  them apart, and follows Asterisk in calling it a machine);
- MACHINE `long_greeting`: `greeting_ms` of voice in all before a pause — people say
  "Hello?" and wait, recorded greetings go on;
- MACHINE `max_word_length`: one word of `max_word_ms` (a tone, music, steady noise);
- MACHINE `max_words`: `max_words` words before a pause;
- HUMAN `after_greeting_silence`: after a short greeting, `after_greeting_silence_ms`
  of silence — the person is waiting for an answer;
- NOTSURE `too_long`: none of these within `total_analysis_ms`.

What it cannot tell: loud steady noise counts as voice (a long greeting), a person
who answers with a long sentence sounds like a machine, a machine with a one-word
greeting ("Hi!") and a pause sounds like a person.  The defaults are Asterisk's, but
for the total analysis time (3.5 s instead of 5 s, so a person waits less).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from enum import StrEnum

SAMPLE_RATE = 8000
FRAME_MS = 20
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2  # 160 samples of 16 bits


class Verdict(StrEnum):
    """Who answered the call, as far as the detector can tell."""

    HUMAN = "human"
    MACHINE = "machine"
    NOTSURE = "notsure"


@dataclass(frozen=True)
class AmdSettings:
    """The detector's limits in milliseconds, and the voice energy threshold."""

    initial_silence_ms: int = 2500
    greeting_ms: int = 1500
    after_greeting_silence_ms: int = 800
    total_analysis_ms: int = 3500
    min_word_ms: int = 100
    between_words_silence_ms: int = 50
    max_words: int = 2
    max_word_ms: int = 5000
    silence_threshold: int = 256  # mean absolute sample value of a voice frame

    def __post_init__(self) -> None:
        """Refuse limits that are not positive."""
        for name, value in vars(self).items():
            if value <= 0:
                raise ValueError(f"AMD setting {name} = {value} must be positive")


@dataclass(frozen=True)
class AmdResult:
    """The verdict, the rule that gave it and the seconds of audio it took."""

    verdict: Verdict
    reason: str
    seconds: float


def frame_energy(frame: bytes) -> int:
    """Return the mean absolute sample value of one frame of 16-bit PCM."""
    samples = array("h", frame[: len(frame) & ~1])
    if not samples:
        return 0
    return sum(abs(s) for s in samples) // len(samples)


class AmdDetector:
    """Feed it the received audio of an answered call until it returns a verdict."""

    def __init__(self, settings: AmdSettings | None = None) -> None:
        """Start listening with `settings` (Asterisk's defaults when None)."""
        self.settings = settings or AmdSettings()
        self.result: AmdResult | None = None
        self._pending = b""
        self._total_ms = 0
        self._silence_ms = 0  # consecutive
        self._word_ms = 0  # consecutive voice
        self._voice_ms = 0  # all voice so far
        self._words = 0
        self._in_word = False
        self._in_greeting = False

    def feed(self, pcm: bytes) -> AmdResult | None:
        """Take PCM of any length; return the verdict once there is one, else None."""
        self._pending += pcm
        while self.result is None and len(self._pending) >= FRAME_BYTES:
            frame, self._pending = self._pending[:FRAME_BYTES], self._pending[FRAME_BYTES:]
            self.result = self._frame(frame)
        return self.result

    def finish(self) -> AmdResult:
        """Return the verdict, NOTSURE `audio_ended` if the audio ran out before one."""
        if self.result is None:
            self.result = self._verdict(Verdict.NOTSURE, "audio_ended")
        return self.result

    def _frame(self, frame: bytes) -> AmdResult | None:
        """Account one 20 ms frame; return the verdict if a rule fires."""
        self._total_ms += FRAME_MS
        if frame_energy(frame) < self.settings.silence_threshold:
            result = self._silent_frame()
        else:
            result = self._voice_frame()
        if result is None and self._total_ms >= self.settings.total_analysis_ms:
            result = self._verdict(Verdict.NOTSURE, "too_long")
        return result

    def _silent_frame(self) -> AmdResult | None:
        """Count silence; end a word after a pause; judge long silences."""
        s = self.settings
        self._silence_ms += FRAME_MS
        if self._silence_ms >= s.between_words_silence_ms:
            self._in_word = False
            self._word_ms = 0
        if not self._in_greeting and self._silence_ms >= s.initial_silence_ms:
            return self._verdict(Verdict.MACHINE, "initial_silence")
        if self._in_greeting and self._silence_ms >= s.after_greeting_silence_ms:
            return self._verdict(Verdict.HUMAN, "after_greeting_silence")
        return None

    def _voice_frame(self) -> AmdResult | None:
        """Count voice; start words and the greeting; judge long or many words."""
        s = self.settings
        self._silence_ms = 0  # a pause is unbroken silence
        self._word_ms += FRAME_MS
        self._voice_ms += FRAME_MS
        if self._word_ms >= s.min_word_ms:
            self._in_greeting = True
            if not self._in_word:
                self._in_word = True
                self._words += 1
        if self._word_ms >= s.max_word_ms:
            return self._verdict(Verdict.MACHINE, "max_word_length")
        if self._words >= s.max_words:
            return self._verdict(Verdict.MACHINE, "max_words")
        if self._in_greeting and self._voice_ms >= s.greeting_ms:
            return self._verdict(Verdict.MACHINE, "long_greeting")
        return None

    def _verdict(self, verdict: Verdict, reason: str) -> AmdResult:
        """Return the result for `verdict` at the current time."""
        return AmdResult(verdict, reason, self._total_ms / 1000)


def detect(pcm: bytes, settings: AmdSettings | None = None) -> AmdResult:
    """Return the verdict on a whole recording (8 kHz 16-bit mono PCM)."""
    detector = AmdDetector(settings)
    return detector.feed(pcm) or detector.finish()
