"""Post-call surveys on the engine side: keep the caller, record a comment, store answers.

What a key means, retries and timeouts are the survey node's (`callflow/flow/nodes/
survey.py`); this desk only carries out what it decides.  When the agent hangs up
first and the caller's queue node named a survey, the caller is taken back into
their own flow run (the version they started on) at that node.  Answers go to the
store through the writer (`survey_result`) with a `survey.answered` event; a voice
comment is `<var>/surveys/YYYY/MM/DD/<call_id>-<node>.wav`.  Runs on the engine thread.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from appliance.callflow.flow import Record
from appliance.engine.media import Recorder
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
SILENCE_LEVEL = 2  # pjsua's received level (0–255) at or below which the caller is silent
CHECK_SECONDS = 0.25
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass
class Comment:
    """A voice comment being recorded."""

    order: Record
    relative: str
    recorder: Recorder
    started: float
    heard_at: float


class SurveyDesk:
    """Callers kept for a survey, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.comments: dict[str, Comment] = {}  # call_id -> comment being recorded

    def folder(self) -> Path:
        """Return the folder of survey comments."""
        return Path(self.board.settings.paths.var) / "surveys"

    def keep(self, session: CallSession) -> bool:
        """Take a caller whose agent hung up to their queue node's survey; false: none."""
        run = session.run
        if run is None or not run.survey or session.consult is not None:
            return False  # no survey, or a transfer in progress falls back as before
        if session.agent_leg is not None:
            session.released.append(session.agent_leg)
        session.agent_leg, session.held, session.links = None, False, set()
        self.board.desk.unbridge(session)  # the recording ends with the conversation
        self.board.emit(session, "survey.started", {"node": run.survey, **self._who(session)})
        session.state = "ivr"
        self.board.mixer.remix(session)  # a supervisor still listening hears nothing more
        self.board.ivr.follow(session, lambda flow: flow.goto(flow.survey))
        return True

    def store(self, session: CallSession) -> None:
        """Write the answers the flow gave since the last step, each with its event."""
        run, route = session.run, session.route
        while run is not None and run.answers:
            answer = run.answers.pop(0)
            data = {"node": answer.node, "score": answer.score, **self._who(session)}
            self.board.emit(session, "survey.answered", data)
            self.board.writer.survey(
                {
                    "call_id": session.call_id,
                    "queue": data["queue"],
                    "agent": data["agent"],
                    "flow": route.target if route else "",
                    "flow_version": route.flow_version if route else 0,
                    "node": answer.node,
                    "score": answer.score,
                }
            )

    def record(self, session: CallSession, order: Record) -> None:
        """Beep, then record the caller's comment until the key, silence or the limit."""
        language = session.run.language if session.run else "en"
        self.board.ivr.play(session, "beep", language, 0.0, lambda: self._start(session, order))

    def digit(self, session: CallSession, digit: str) -> bool:
        """End a comment at its terminator key; return true if the key did that."""
        comment = self.comments.get(session.call_id)
        if comment is None or digit != comment.order.terminator:
            return False
        self._done(session)
        return True

    def finish(self, session: CallSession) -> None:
        """Close a comment being recorded (the caller hung up, the flow moved on)."""
        comment = self.comments.pop(session.call_id, None)
        if comment is None:
            return
        if session.caller.audio is not None:
            comment.recorder.remove(session.caller.audio)
        seconds = round(time.monotonic() - comment.started, 1)
        data = {"node": comment.order.node, "file": comment.relative, "seconds": seconds}
        self.board.emit(session, "survey.comment", data)
        self.board.writer.survey_comment(session.call_id, comment.order.node, comment.relative)

    def _start(self, session: CallSession, order: Record) -> None:
        """Start recording after the beep."""
        session.prompt, session.prompt_timer = None, None
        if session.state != "ivr" or session.caller.audio is None:
            return
        day = time.strftime("%Y/%m/%d", time.gmtime())
        relative = f"{day}/{session.call_id}-{_UNSAFE.sub('_', order.node)}.wav"
        try:
            recorder = Recorder(self.folder() / relative)
            recorder.add(session.caller.audio)
        except (pj.Error, OSError) as exc:  # no comment, but the rating is kept: go on
            log.error("call %s: cannot record a survey comment: %s", session.call_id, exc)
            self.board.ivr.follow(session, lambda run: run.on_recorded())
            return
        now = time.monotonic()
        self.comments[session.call_id] = Comment(order, relative, recorder, now, now)
        self._watch(session)

    def _watch(self, session: CallSession) -> None:
        """End the comment after its silence or its limit; look again shortly."""
        comment = self.comments.get(session.call_id)
        if comment is None or session.state != "ivr" or session.caller.audio is None:
            return
        now = time.monotonic()
        try:
            if session.caller.audio.getRxLevel() > SILENCE_LEVEL:
                comment.heard_at = now
        except pj.Error:
            return
        over = now - comment.started >= comment.order.max_seconds
        if over or now - comment.heard_at >= comment.order.silence:
            self._done(session)
            return
        session.timers.append(
            self.board.reactor.call_later(CHECK_SECONDS, lambda: self._watch(session))
        )

    def _done(self, session: CallSession) -> None:
        """Close the comment and ask the flow what follows."""
        self.finish(session)
        self.board.ivr.follow(session, lambda run: run.on_recorded())

    @staticmethod
    def _who(session: CallSession) -> dict[str, Any]:
        """Return the agent and queue a survey answer is about."""
        return {
            "agent": session.agent or None,
            "queue": session.queue.name if session.queue else None,
        }
