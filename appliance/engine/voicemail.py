"""Callers leaving messages: the box's greeting and a beep, then record until they are done.

The message is `<var>/voicemail/<box>/<YYYY>/<MM>/<DD>/<call_id>.wav`.  It ends when
the caller hangs up or presses #, after SILENCE_SECONDS of silence, or at the box's
maximum length.  The event `voicemail.left` {box, file (relative to <var>/voicemail),
seconds} records it (the CDR's outcome is `voicemail`) and the message row is written
through the event writer, which then announces the box's new counts
(`voicemail.mwi`) and so sets off the e-mail.  A message shorter than
MIN_MESSAGE_SECONDS is noise (a caller who hung up at the beep): its file is removed
and `voicemail.dropped` is recorded instead.  Runs on the engine thread.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.callflow.say import digits_prompts
from appliance.engine.media import PromptMissing, Recorder
from appliance.engine.session import CallSession
from appliance.engine.store_reads import StoreReads
from appliance.voicemail.boxes import Box, find_box

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
MAX_MESSAGE_SECONDS = 120.0  # for a box not in the store (it is made with the message)
MIN_MESSAGE_SECONDS = 1.0  # shorter is noise, not a message
SILENCE_SECONDS = 10.0  # a message ends after this long with nothing heard
SILENCE_LEVEL = 2  # pjsua's received level (0–255) at or below which the caller is silent
CHECK_SECONDS = 0.5
END_KEY = "#"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class Message:
    """A message being recorded."""

    box: str
    relative: str
    started: float
    heard_at: float


def greeting_prompts(name: str, box: Box | None, has: Callable[[str], bool]) -> list[str]:
    """Return what a caller hears before the beep: the box's own greeting, or one naming it.

    has(prompt) tells whether a prompt exists: a box whose greeting was removed from
    the prompt library falls back on the default greeting instead of none.
    """
    if box is not None and box.greeting:
        if has(box.greeting):
            return [box.greeting, "beep"]
        log.warning("mailbox %s: greeting %r is missing; the default one is played", name,
                    box.greeting)  # fmt: skip
    named = ["voicemail-box", *digits_prompts(name)] if name.isdigit() else []
    return [*named, "voicemail-greeting", "beep"]


class VoicemailDesk:
    """Callers leaving messages, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.messages: dict[str, Message] = {}  # call_id -> message being recorded
        self.reads = StoreReads(board.reactor, "voicemail-store")

    def folder(self) -> Path:
        """Return the voicemail folder."""
        return Path(self.board.settings.paths.var) / "voicemail"

    def record(self, session: CallSession, box: str) -> None:
        """Greet the caller for box (read from the store off this thread), then record."""
        session.state = "voicemail"
        self.board.desk.stop_music(session)
        self.reads.run(lambda: find_box(box), lambda found: self._greet(session, box, found))

    def _greet(self, session: CallSession, name: str, box: Box | None) -> None:
        """Play the greeting and the beep, then start recording."""
        if session.state != "voicemail":
            return  # hung up while the box was read
        limit = float(box.max_seconds) if box is not None else MAX_MESSAGE_SECONDS
        language = self.board.desk.language(session)
        prompts = greeting_prompts(name, box, lambda p: self._has_prompt(p, language))
        self.board.emit(session, "voicemail.greeting", {"box": name, "prompts": prompts})
        start = lambda: self._start(session, name, limit)  # noqa: E731
        self.board.desk.announce.play(session, prompts, language, start)

    def _has_prompt(self, prompt: str, language: str) -> bool:
        """Return true if the prompt exists in language (or English)."""
        try:
            self.board.prompts.path(prompt, language)
        except PromptMissing:
            return False
        return True

    def _start(self, session: CallSession, box: str, limit: float) -> None:
        """Start recording after the beep."""
        if session.state != "voicemail" or session.caller.audio is None:
            return
        day = time.strftime("%Y/%m/%d", time.gmtime())
        relative = f"{_UNSAFE.sub('_', box)}/{day}/{session.call_id}.wav"
        try:
            session.recorder = Recorder(self.folder() / relative)
            session.recorder.add(session.caller.audio)
        except (pj.Error, OSError) as exc:
            log.error("call %s: cannot record voicemail: %s", session.call_id, exc)
            self.board.end_call(session, "system", "voicemail unavailable")
            return
        now = time.monotonic()
        self.messages[session.call_id] = Message(box, relative, now, now)
        self.board.emit(session, "voicemail.recording", {"box": box, "file": relative})
        session.timers.append(
            self.board.reactor.call_later(
                limit, lambda: self.board.end_call(session, "system", "voicemail full")
            )
        )
        self._watch(session)

    def _watch(self, session: CallSession) -> None:
        """End the message after a long silence; look again shortly."""
        message = self.messages.get(session.call_id)
        if message is None or session.state != "voicemail" or session.caller.audio is None:
            return
        now = time.monotonic()
        try:
            if session.caller.audio.getRxLevel() > SILENCE_LEVEL:
                message.heard_at = now
        except pj.Error:
            return
        if now - message.heard_at >= SILENCE_SECONDS:
            self.board.end_call(session, "system", "voicemail silence")
            return
        session.timers.append(
            self.board.reactor.call_later(CHECK_SECONDS, lambda: self._watch(session))
        )

    def digit(self, session: CallSession, digit: str) -> None:
        """End the message on #: keep it, say so, hang up.  Other keys are ignored."""
        if digit != END_KEY or session.call_id not in self.messages:
            return
        session.cancel_timers()
        self.finish(session)
        session.recorder = None  # closes the WAV
        language = self.board.desk.language(session)
        ending = lambda: self.board.end_call(session, "system", "voicemail saved")  # noqa: E731
        self.board.desk.announce.play(session, ["voicemail-saved"], language, ending)

    def finish(self, session: CallSession) -> None:
        """Note the message left, if the call was recording one (before its recorder closes)."""
        message = self.messages.pop(session.call_id, None)
        if message is None:
            return
        seconds = round(time.monotonic() - message.started, 1)
        data = {"box": message.box, "file": message.relative, "seconds": seconds}
        if seconds < MIN_MESSAGE_SECONDS:
            with contextlib.suppress(OSError):
                (self.folder() / message.relative).unlink()
            self.board.emit(session, "voicemail.dropped", {**data, "reason": "too short"})
            return
        self.board.emit(session, "voicemail.left", data)
        caller = session.from_number
        row = {"change": "left", "call_id": session.call_id, "caller": caller, "at": time.time()}
        self.board.writer.voicemail({**row, **data})
