"""A small real voicemail: greeting and beep, record the caller, end on hang-up, silence or length.

The message is `<var>/voicemail/<box>/<YYYY>/<MM>/<DD>/<call_id>.wav`; the event
`voicemail.left` {box, file (relative to <var>/voicemail), seconds} records it and
makes the CDR's outcome `voicemail`.  Mailboxes, notification and playback are
issue 4's.  Runs on the engine thread.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.engine.media import Recorder
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
MAX_MESSAGE_SECONDS = 120.0
SILENCE_SECONDS = 10.0  # a message ends after this long with nothing heard
SILENCE_LEVEL = 2  # pjsua's received level (0–255) at or below which the caller is silent
CHECK_SECONDS = 0.5
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class Message:
    """A message being recorded."""

    box: str
    relative: str
    started: float
    heard_at: float


class VoicemailDesk:
    """Callers leaving messages, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.messages: dict[str, Message] = {}  # call_id -> message being recorded

    def folder(self) -> Path:
        """Return the voicemail folder."""
        return Path(self.board.settings.paths.var) / "voicemail"

    def record(self, session: CallSession, box: str) -> None:
        """Play the greeting and the beep, then record the caller into box."""
        session.state = "voicemail"
        self.board.desk.stop_music(session)
        prompts = ["voicemail-greeting", "beep"]
        language = self.board.desk.language(session)
        self.board.desk.announce.play(session, prompts, language, lambda: self._start(session, box))

    def _start(self, session: CallSession, box: str) -> None:
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
                MAX_MESSAGE_SECONDS,
                lambda: self.board.end_call(session, "system", "voicemail full"),
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

    def finish(self, session: CallSession) -> None:
        """Note the message left, if the call was recording one (before its recorder closes)."""
        message = self.messages.pop(session.call_id, None)
        if message is None:
            return
        seconds = round(time.monotonic() - message.started, 1)
        data = {"box": message.box, "file": message.relative, "seconds": seconds}
        self.board.emit(session, "voicemail.left", data)
