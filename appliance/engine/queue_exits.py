"""Ways out of a queue: the exit key, overflow targets, and turning callers away.

A target (see `appliance/callflow/targets.py`) is another queue, an IVR node,
voicemail, an external number, or — for the exit key — a callback that keeps the
caller's place.  Runs on the engine thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.targets import exit_target
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

MAX_OVERFLOWS = 5  # a caller passed on more often than this is in a loop: end the call


class QueueExits:
    """Send waiting callers on, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def digit(self, session: CallSession, digit: str) -> None:
        """Handle a key pressed while queued: the callback offer's, or the queue's exit key."""
        desk = self.board.desk
        if desk.offers.offering(session):
            desk.offers.digit(session, digit)
            return
        b = session.queue.behaviour if session.queue else None
        if b is not None and b.exit_key and digit == b.exit_key:
            self.send_on(session, b.exit_target, "exit key", "queue.exit")

    def send_on(self, session: CallSession, target: str, why: str, event: str) -> None:
        """Send a caller to target (an overflow or an exit), or end the call if there is none."""
        config, desk = session.queue, self.board.desk
        kind, name = exit_target(target) if config else ("", "")
        if kind == "callback":
            self.board.emit(
                session,
                event,
                {"queue": config.name if config else None, "to": target, "reason": why},
            )
            desk.offers.offer(session)
            return
        session.overflows += 1
        if not kind or session.overflows > MAX_OVERFLOWS or (kind == "ivr" and not session.run):
            self.board.end_call(session, "system", why)
            return
        assert config is not None
        self.board.emit(session, event, {"queue": config.name, "to": target, "reason": why})
        desk.leave_queue(session, why)
        session.cancel_timers()  # the old queue's maximum wait and announcements
        self.board.ivr.stop_prompt(session)
        if kind == "queue":
            desk.enter_queue(session, name)
        elif kind == "ivr":
            session.state, session.queue = "ivr", None
            self.board.ivr.follow(session, lambda run: run.goto(name))
        elif kind == "voicemail":
            desk.voicemail.record(session, name or config.name)
        else:
            desk.trunk.forward(session, name)

    def turn_away(self, session: CallSession, reason: str) -> None:
        """Send a caller the queue cannot serve to its overflow, or say so and end the call."""
        config = session.queue
        if config is not None and config.overflow:
            self.send_on(session, config.overflow, reason, "queue.overflow")
            return
        self.board.desk.leave_queue(session, reason)
        session.cancel_timers()
        self.board.emit(
            session, "queue.empty", {"queue": config.name if config else None, "reason": reason}
        )
        session.state = "ivr"
        self.board.ivr.play(
            session,
            "no-agents",
            self.board.desk.language(session),
            0.0,
            lambda: self.board.end_call(session, "system", reason),
        )
