"""Record a custom prompt from an agent's phone: feature code `*77<digits>` → `phone-<digits>`.

The phone hears a beep; what it says is recorded until it presses `#`, hangs up,
stays silent for SILENCE_SECONDS or reaches the prompt length limit.  The raw take
goes to a worker thread that converts and stores it through the prompt library (sox
and the store never run on the engine thread, DESIGN §5); a phone still on the line
then hears whether it was saved.  Agent events `prompt.recording`, `prompt.recorded`
and `prompt.record_failed` tell the admin what happened.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.engine.legs import Leg
from appliance.engine.media import UNPLAYABLE, Player, Recorder
from appliance.engine.reactor import Timer
from appliance.engine.recovery import repair_wav_header
from appliance.prompts.const import MAX_SECONDS
from appliance.prompts.exceptions import PromptError
from appliance.prompts.library import PromptLibrary

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
SILENCE_SECONDS = 10.0  # a take ends after this long with nothing heard
SILENCE_LEVEL = 2  # pjsua's received level (0–255) at or below which the phone is silent
CHECK_SECONDS = 0.5
CLOSE_SECONDS = 0.2  # the recorder's port goes at the next bridge tick; then its file is whole
FINISH_KEY = "#"


@dataclass
class Take:
    """One prompt being recorded from a phone."""

    leg: Leg
    name: str
    language: str
    extension: str
    path: Path
    recorder: Recorder | None = None
    heard_at: float = 0.0
    timers: list[Timer] = field(default_factory=list)


class PromptRecorder:
    """Phones recording prompts, for one switchboard (engine thread, but for `_save`)."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.library = PromptLibrary(board.settings.paths.prompts)
        self.takes: dict[str, Take] = {}  # leg id -> take in progress
        self._players: dict[str, Player] = {}  # leg id -> beep or confirmation playing
        self._saver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prompt-save")

    def close(self) -> None:
        """Drop the players and unfinished takes' recorders (before the library is destroyed)."""
        self._players.clear()
        for take in self.takes.values():
            take.recorder = None
        self.takes.clear()

    def begin(self, leg: Leg, extension: str, name: str) -> None:
        """Answer a phone that dialled the recording code for prompt name."""
        language = self.board.settings.language
        folder = Path(self.board.settings.paths.var) / "prompt-takes"
        path = folder / f"{name}-{leg.leg_id}-{int(time.time())}.wav"
        leg.role = "feature"
        self.takes[leg.leg_id] = Take(leg, name, language, extension, path)
        leg.answer(200)

    def media_ready(self, leg: Leg) -> None:
        """Beep, then record."""
        take = self.takes.get(leg.leg_id)
        if take is not None:
            self._play(leg, "beep", lambda: self._start(take))

    def digit(self, leg: Leg, digit: str) -> None:
        """End the take when the phone presses the finish key."""
        if digit == FINISH_KEY:
            self.finish(leg)

    def ended(self, leg: Leg) -> None:
        """The phone hung up: keep what was recorded."""
        self.finish(leg)
        self._players.pop(leg.leg_id, None)

    def _start(self, take: Take) -> None:
        """Record the phone's audio into the take's raw file."""
        leg = take.leg
        if self.takes.get(leg.leg_id) is not take or leg.audio is None:
            return
        try:
            take.recorder = Recorder(take.path)
            take.recorder.add(leg.audio)
        except (pj.Error, OSError) as exc:
            log.error("prompt %s: cannot record: %s", take.name, exc)
            self.takes.pop(leg.leg_id, None)
            self._play(leg, "prompt-not-saved", leg.end)
            return
        take.heard_at = time.monotonic()
        data = {"prompt": take.name, "language": take.language}
        self.board.emit_agent(take.extension, "prompt.recording", data)
        take.timers.append(self.board.reactor.call_later(MAX_SECONDS, lambda: self.finish(leg)))
        self._watch(take)

    def _watch(self, take: Take) -> None:
        """End the take after a long silence; look again shortly."""
        leg = take.leg
        if self.takes.get(leg.leg_id) is not take or leg.audio is None:
            return
        now = time.monotonic()
        try:
            if leg.audio.getRxLevel() > SILENCE_LEVEL:
                take.heard_at = now
        except pj.Error:
            return
        if now - take.heard_at >= SILENCE_SECONDS:
            self.finish(leg)
            return
        take.timers.append(self.board.reactor.call_later(CHECK_SECONDS, lambda: self._watch(take)))

    def finish(self, leg: Leg) -> None:
        """Stop recording and hand the take to the saver (nothing if no recording began)."""
        take = self.takes.pop(leg.leg_id, None)
        if take is None:
            return
        for timer in take.timers:
            timer.cancel()
        if take.recorder is None:  # hung up during the beep
            return
        if leg.audio is not None:
            take.recorder.remove(leg.audio)
        take.recorder = None  # destroys the recorder, which writes the WAV header
        self.board.reactor.call_later(CLOSE_SECONDS, lambda: self._hand_over(take))

    def _hand_over(self, take: Take) -> None:
        """Queue the take for conversion off the engine thread."""
        self._saver.submit(self._save, take)

    def _save(self, take: Take) -> None:
        """Convert and store the take (saver thread), then report on the engine thread."""
        seconds, error = 0.0, ""
        try:
            repair_wav_header(take.path)  # in case the writer had not finished it
            entry = self.library.record(take.path, take.name, take.language, take.extension)
            seconds = float(entry["seconds"])
        except PromptError as exc:
            error = str(exc)
        except Exception as exc:  # a bug must not kill the saver; the phone is told
            log.exception("prompt %s: saving the recording failed", take.name)
            error = f"internal error: {exc}"
        finally:
            take.path.unlink(missing_ok=True)
        self.board.reactor.submit(lambda: self._saved(take, seconds, error))

    def _saved(self, take: Take, seconds: float, error: str) -> None:
        """Record the outcome and tell a phone still on the line."""
        try:
            data: dict[str, object] = {"prompt": take.name, "language": take.language}
            if error:
                log.error("prompt %s not saved: %s", take.name, error)
                kind, data = "prompt.record_failed", {**data, "error": error}
            else:
                kind, data = "prompt.recorded", {**data, "seconds": seconds}
            self.board.emit_agent(take.extension, kind, data)
            if not take.leg.ended and take.leg.audio is not None:
                confirmation = "prompt-not-saved" if error else "prompt-saved"
                self._play(take.leg, confirmation, take.leg.end)
        except Exception:
            log.exception("prompt %s: reporting the recording failed", take.name)

    def _play(self, leg: Leg, prompt: str, then: Callable[[], None]) -> None:
        """Play a prompt to the phone in the box's language, then call then()."""
        try:
            player = Player(self.board.prompts.path(prompt, self.board.settings.language))
        except UNPLAYABLE as exc:
            log.error("prompt recording: %s", exc)
            then()
            return
        if leg.audio is not None:
            player.play_to(leg.audio)
        self._players[leg.leg_id] = player
        self.board.reactor.call_later(player.seconds + 0.2, then)
