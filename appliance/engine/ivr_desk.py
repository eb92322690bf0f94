"""The IVR side of the switchboard: walk a caller's flow and play its prompts."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from appliance.callflow.flow import Record
from appliance.callflow.flow.instructions import LeaveMessage, OfferCallback, Transfer, Wait
from appliance.callflow.ivr import EnterQueue, FlowError, FlowRun, Hangup, Instruction, Play
from appliance.engine.control import CommandError
from appliance.engine.media import UNPLAYABLE, Player
from appliance.engine.session import CallSession
from appliance.engine.survey_desk import SurveyDesk

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)


class IvrDesk:
    """Callers in an IVR flow, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.surveys = SurveyDesk(board)

    def start_route(self, session: CallSession) -> None:
        """Send a newly answered caller where their number points."""
        route = session.route
        assert route is not None
        if route.target_type == "queue":
            self.board.desk.enter_queue(session, route.target)
            return
        if route.target_type == "agent":
            self.board.ops.direct(session, route.target)
            return
        if route.target_type == "voicemail":  # straight to a box: greeting, beep, message
            self.board.emit(session, "voicemail.direct", {"box": route.target})
            self.board.desk.voicemail.record(session, route.target)
            return
        session.state = "ivr"
        session.run = FlowRun(
            route.flow or {},
            session.from_number,
            time.time(),
            self.board.acd.callers,
            self.board.directory.schedules,
        )
        self.board.emit(
            session, "ivr.entered", {"flow": route.target, "version": route.flow_version}
        )
        self.follow(session, lambda run: run.start())

    def follow(self, session: CallSession, step: Any) -> None:
        """Apply one step of the flow and carry out the instruction it returns."""
        try:
            instruction: Instruction | None = step(session.run)
        except FlowError as exc:
            log.error("call %s: flow error: %s", session.call_id, exc)
            self.board.end_call(session, "system", f"flow error: {exc}")
            return
        self.surveys.store(session)  # answers the step gave, before what follows
        if instruction is not None:
            self.execute(session, instruction)

    def execute(self, session: CallSession, instruction: Instruction) -> None:
        """Carry out one instruction of the flow."""
        self.stop_prompt(session)
        if isinstance(instruction, Play):
            self.board.emit(
                session,
                "ivr.prompt",
                {
                    "prompt": instruction.prompt,
                    "node": session.run.node_id if session.run else None,
                },
            )
            wait = instruction.wait or 0.0
            self.play(
                session,
                instruction.prompt,
                instruction.language,
                wait,
                lambda: self.follow(session, lambda run: run.on_played()),
            )
        elif isinstance(instruction, Wait):
            session.prompt_timer = self.board.reactor.call_later(
                instruction.seconds, lambda: self.follow(session, lambda run: run.on_played())
            )
        elif isinstance(instruction, EnterQueue):
            session.priority, session.skills = instruction.priority, instruction.skills
            session.customer = instruction.customer
            self.board.desk.enter_queue(session, instruction.queue)
        elif isinstance(instruction, OfferCallback):
            self.board.desk.enter_queue(session, instruction.queue)
            if session.state == "queued":  # nobody free: offer the call back at once
                self.board.desk.offers.offer(session)
        elif isinstance(instruction, Transfer):
            self.transfer(session, instruction)
        elif isinstance(instruction, Hangup):
            self.board.end_call(session, "system", instruction.reason)
        elif isinstance(instruction, LeaveMessage):
            self.board.desk.voicemail.record(session, instruction.box)
        elif isinstance(instruction, Record):
            self.surveys.record(session, instruction)

    def digit(self, session: CallSession, digit: str) -> None:
        """Feed a DTMF digit to the caller's flow (a survey comment's end key ends it)."""
        if not self.surveys.digit(session, digit):
            self.follow(session, lambda run: run.on_digit(digit))

    def transfer(self, session: CallSession, transfer: Transfer) -> None:
        """Ring an extension or an outside number for the caller; on failure go on at the
        node's ``failed`` branch, if any."""
        run = session.run
        assert run is not None
        session.fallback = str(run.flow["nodes"][run.node_id].get("failed") or "")
        data = {"to": transfer.kind, "target": transfer.target, "node": run.node_id}
        self.board.emit(session, "ivr.transfer", data)
        if transfer.kind == "extension":
            self.board.ops.direct(session, transfer.target, transfer.ring_seconds)
            return
        try:
            self.board.ops.ring_for(session, "external", transfer.target, transfer.ring_seconds)
        except CommandError as exc:
            data = {"number": transfer.target, "reason": str(exc)}
            self.board.emit(session, "external.failed", data)
            self.board.ops.fall_back(session)

    def play(
        self, session: CallSession, prompt: str, language: str, wait: float, then: Any
    ) -> None:
        """Play a prompt to the caller and call then() when it (and the wait) is over."""
        audio = session.caller.audio
        try:
            path = self.board.prompts.path(prompt, language)
            player = Player(path)
        except UNPLAYABLE as exc:
            self.skip_missing(session, prompt, str(exc))
            session.prompt_timer = self.board.reactor.call_later(wait, then)
            return
        if audio is not None:
            player.play_to(audio)
        session.prompt = player
        session.prompt_timer = self.board.reactor.call_later(player.seconds + wait, then)

    def skip_missing(self, session: CallSession, prompt: str, error: str) -> None:
        """Note a prompt that cannot play (deleted, corrupt): the call goes on without it.

        The caller hears the rest of the flow and reaches its end; the admin finds the
        event `ivr.prompt_missing` naming the node (flow.publish refuses such flows,
        but a prompt may be deleted with force or vanish after publishing).
        """
        node = session.run.node_id if session.run else None
        log.error("call %s: node %s: prompt %r skipped: %s", session.call_id, node, prompt, error)
        data = {"prompt": prompt, "node": node, "error": error}
        self.board.emit(session, "ivr.prompt_missing", data)

    def stop_prompt(self, session: CallSession) -> None:
        """Stop the prompt the caller hears, if any (and a survey comment being recorded)."""
        self.surveys.finish(session)
        if session.prompt_timer is not None:
            session.prompt_timer.cancel()
            session.prompt_timer = None
        # Dropping the player destroys it, which removes its port and connections in one
        # bridge operation; on pjproject 2.12 each operation waits for the mixer's lock.
        session.prompt = None
