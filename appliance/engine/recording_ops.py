"""Recording control from the agent console: start, pause, resume and stop a call's recording.

A queue that records starts the recording when the call is bridged
(`Switchboard.start_recording`); these let the agent start one on a call that is
not recorded, pause it while the caller reads out a card number (the mixer then
feeds the recorder nothing) and resume, or stop it for good.  A call has at most
one recording file: once stopped it is not started again (that would overwrite it).
Runs on the engine thread; every refusal is a `CommandError` before anything changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from appliance.engine.control import CommandError
from appliance.engine.media import Recorder
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard


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
        path, relative = self.board.recording_path(session)
        session.recorder, session.recorded = Recorder(path), set()
        session.recording_paused = False
        self.board.mixer.remix(session)
        self._emit(session, "recording.started", {"file": relative})
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
        session = self._recording(call_id)
        self.board.mixer.record_nothing(session)
        session.recorder, session.recording_paused = None, False
        self._emit(session, "recording.stopped", {})
        return {"call_id": call_id, "recording": "off"}

    def _recording(self, call_id: str) -> CallSession:
        """Return a connected call being recorded, or raise CommandError."""
        session = self.board.ops.connected(call_id)
        if session.recorder is None:
            raise CommandError("bad-state", f"call {call_id} is not being recorded")
        return session

    def _emit(self, session: CallSession, kind: str, data: dict[str, Any]) -> None:
        """Record the step with who took it."""
        self.board.emit(session, kind, {**data, "by": session.agent})
