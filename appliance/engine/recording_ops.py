"""Recording control: the agent's start, pause, resume and stop, and the full-disk stop and resume.

A queue that records starts the recording when the call is bridged
(`Switchboard.start_recording`); the agent may start one on a call that is not
recorded, pause it while the caller reads out a card number (the mixer then
feeds the recorder nothing) and resume, or stop it for good.  A call has at most
one recording started by choice: once stopped it is not started again (that would
overwrite it).

When the recordings folder runs low on space (`RecordingSpace`), every call recording
is closed cleanly — its WAV header written, so what is on disk stays playable — with a
`recording.stopped` {reason: disk_full} event, and calls go on.  When space is back,
calls still up go on recording into a new part file (`<call>-2.wav`, …) with a
`recording.resumed` {file} event.  A file that cannot be opened (ENOSPC, a read-only
disk) never ends the call: the recording is held and tried again when space is back.
Runs on the engine thread; every refusal is a `CommandError` before anything changes.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from appliance.engine.control import CommandError
from appliance.engine.media import Recorder
from appliance.engine.prompt_recording import CLOSE_SECONDS
from appliance.engine.recovery import mend_recording
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
DISK_FULL = "disk_full"  # below the free-space minimum
WRITE_ERROR = "write_error"  # the file could not be made although the minimum was free


class RecordingOps:
    """Recording control of connected calls, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def start(self, call_id: str) -> dict[str, Any]:
        """Start recording a call that is not recorded yet."""
        session = self.board.ops.connected(call_id)
        if session.recorder is not None:
            raise CommandError("bad-state", f"call {call_id} is already being recorded")
        if any(e["kind"] == "recording.started" for e in session.events):
            raise CommandError("bad-state", f"call {call_id} was recorded and stopped")
        session.recording_paused = False
        if not self.begin(session, "recording.started", by=session.agent):
            raise CommandError("disk-full", "the recordings disk is full: the call is not recorded")
        return {"call_id": call_id, "recording": "on"}

    def pause(self, call_id: str, paused: bool) -> dict[str, Any]:
        """Pause a call's recording (the file gets nothing meanwhile), or resume it."""
        session = self._recording(call_id)
        if session.recording_paused != paused:
            session.recording_paused = paused
            self.board.mixer.remix(session)
            self._emit(session, "recording.paused" if paused else "recording.resumed", {})
        return {"call_id": call_id, "recording": "paused" if paused else "on"}

    def stop(self, call_id: str) -> dict[str, Any]:
        """Stop a call's recording for good: dropping the recorder closes its WAV."""
        session = self.board.ops.connected(call_id)
        if session.recorder is None and not session.recording_held:
            raise CommandError("bad-state", f"call {call_id} is not being recorded")
        self._close(session)
        session.recording_held = False  # nor resumed when space is back
        self._emit(session, "recording.stopped", {})
        return {"call_id": call_id, "recording": "off"}

    def begin(self, session: CallSession, kind: str, by: str = "") -> bool:
        """Open the call's next recording file and announce it; false (held) if there is no room."""
        part = session.recording_parts + 1
        path, relative = self.board.recording_path(session, part)
        room = self.board.space.has_room()
        recorder = self._open(session, path) if room else None
        if recorder is None:
            if not session.recording_held:
                session.recording_held = True
                reason = DISK_FULL if room is False else WRITE_ERROR
                self.board.emit(session, "recording.held", {"reason": reason})
            return False
        session.recorder, session.recorded, session.recording_file = recorder, set(), relative
        session.recording_held, session.recording_parts = False, part
        self.board.mixer.remix(session)  # the plan says which legs the recording takes in
        data = {"file": relative, "part": part}
        self.board.emit(session, kind, {**data, "by": by} if by else data)
        return True

    def disk_full(self) -> int:
        """Stop every call recording cleanly (free space is low); return how many stopped."""
        stopped = 0
        for session in list(self.board.sessions.values()):
            if session.recorder is None or not session.recording_file:
                continue  # not recording, or leaving a voicemail (not a call recording)
            data = {"reason": DISK_FULL, "file": session.recording_file}
            self._close(session)
            session.recording_held = True
            self.board.emit(session, "recording.stopped", data)
            stopped += 1
        return stopped

    def disk_back(self) -> int:
        """Resume recording the calls held for space (a new part file); return how many."""
        resumed = 0
        for session in list(self.board.sessions.values()):
            if session.recording_held and session.state != "ending":
                kind = "recording.resumed" if session.recording_parts else "recording.started"
                resumed += self.begin(session, kind)
        return resumed

    @staticmethod
    def _open(session: CallSession, path: Path) -> Recorder | None:
        """Return a recorder writing path, or None if the file cannot be made (full disk)."""
        try:
            return Recorder(path)
        except (pj.Error, OSError) as exc:
            log.warning("call %s: cannot record to %s: %s", session.call_id, path, exc)
            with contextlib.suppress(OSError):
                path.unlink()  # a header-less file would not parse as a WAV
            return None

    def closing(self, session: CallSession) -> None:
        """Check a call recording's file once pjmedia has closed it (call before dropping it)."""
        if session.recorder is not None and session.recording_file:
            path = session.recorder.path
            self.board.reactor.call_later(CLOSE_SECONDS, lambda: mend_recording(path))

    def _close(self, session: CallSession) -> None:
        """Take the legs out of the recording and drop the recorder (which closes its WAV)."""
        self.board.mixer.record_nothing(session)
        self.closing(session)
        session.recorder, session.recording_paused, session.recording_file = None, False, ""

    def _recording(self, call_id: str) -> CallSession:
        """Return a connected call being recorded, or raise CommandError."""
        session = self.board.ops.connected(call_id)
        if session.recorder is None:
            raise CommandError("bad-state", f"call {call_id} is not being recorded")
        return session

    def _emit(self, session: CallSession, kind: str, data: dict[str, Any]) -> None:
        """Record the step with who took it."""
        self.board.emit(session, kind, {**data, "by": session.agent})
