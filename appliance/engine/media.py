"""Players, music on hold and recorders over the pjsua2 conference bridge.

Prompt ends are timed from the WAV header rather than `onEof2`, which pjsua2 runs
on the conference clock thread (DESIGN §5): the reactor's timers then fire on the
engine thread, where pjsua2 may be called.
"""

from __future__ import annotations

import contextlib
import logging
import os
import wave
from functools import lru_cache
from pathlib import Path

import pjsua2 as pj

log = logging.getLogger(__name__)


class PromptMissing(Exception):
    """A prompt file does not exist in the requested or the fallback language."""


# What opening a prompt's player may raise: no file, a file pjmedia or the WAV reader rejects.
UNPLAYABLE = (PromptMissing, pj.Error, wave.Error, EOFError, OSError)


def wav_seconds(path: str) -> float:
    """Return a WAV file's playing time in seconds."""
    stat = os.stat(path)  # a prompt replaced by an upload is measured again
    return _wav_seconds(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _wav_seconds(path: str, mtime_ns: int, size: int) -> float:
    """Return the playing time of one version of a WAV file."""
    with wave.open(path, "rb") as w:
        return w.getnframes() / float(w.getframerate())


class Prompts:
    """Find prompt files: `<prompts>/<language>/<name>.wav`, falling back to English."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def path(self, name: str, language: str) -> Path:
        """Return the file for prompt name in language (or English)."""
        for lang in (language, "en"):
            candidate = self.folder / lang / f"{name}.wav"
            if candidate.is_file():
                return candidate
        raise PromptMissing(f"prompt '{name}' not found in {self.folder}/{language} or /en")

    def music(self, music_class: str) -> Path:
        """Return the music-on-hold file of a class (or the default class)."""
        for name in (music_class, "default"):
            candidate = self.folder / "moh" / f"{name}.wav"
            if candidate.is_file():
                return candidate
        raise PromptMissing(f"music on hold '{music_class}' not found in {self.folder}/moh")


class Player:
    """One playback of one file to one call's audio."""

    def __init__(self, path: Path, loop: bool = False) -> None:
        self.path = path
        self.seconds = 0.0 if loop else wav_seconds(str(path))
        self._player = pj.AudioMediaPlayer()
        self._player.createPlayer(str(path), 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)

    def play_to(self, sink: pj.AudioMedia) -> None:
        """Start sending the file to sink."""
        self._player.startTransmit(sink)

    def stop_to(self, sink: pj.AudioMedia) -> None:
        """Stop sending to sink (ignore a sink already gone)."""
        with contextlib.suppress(pj.Error):
            self._player.stopTransmit(sink)


class MusicOnHold:
    """One looping player per music class, shared by every caller hearing it."""

    def __init__(self, prompts: Prompts) -> None:
        self.prompts = prompts
        self._players: dict[str, Player] = {}

    def start(self, music_class: str, sink: pj.AudioMedia) -> Player:
        """Play the class's music to sink; return the shared player."""
        path = self.prompts.music(music_class)
        player = self._players.get(str(path))
        if player is None:
            player = self._players[str(path)] = Player(path, loop=True)
        player.play_to(sink)
        return player

    def close(self) -> None:
        """Drop the shared players (before the library is destroyed)."""
        self._players.clear()


class Recorder:
    """Record the mix of a call's legs into a WAV file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._recorder = pj.AudioMediaRecorder()
        self._recorder.createRecorder(str(path))

    def add(self, source: pj.AudioMedia) -> None:
        """Mix source into the recording."""
        source.startTransmit(self._recorder)

    def remove(self, source: pj.AudioMedia) -> None:
        """Stop mixing source into the recording (ignore a source already gone)."""
        with contextlib.suppress(pj.Error):
            source.stopTransmit(self._recorder)
