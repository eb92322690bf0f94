"""The IVR side of the switchboard: walk a caller's flow and play its prompts."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from appliance.callflow.flow.instructions import LeaveMessage
from appliance.callflow.ivr import EnterQueue, FlowError, FlowRun, Hangup, Instruction, Play
from appliance.engine.media import Player, PromptMissing
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)


class IvrDesk:
    """Callers in an IVR flow, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

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
        session.state = "ivr"
        session.run = FlowRun(route.flow or {}, session.from_number, time.time())
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
        elif isinstance(instruction, EnterQueue):
            session.priority, session.skills = instruction.priority, instruction.skills
            self.board.desk.enter_queue(session, instruction.queue)
        elif isinstance(instruction, Hangup):
            self.board.end_call(session, "system", instruction.reason)
        elif isinstance(instruction, LeaveMessage):
            self.board.desk.voicemail.record(session, instruction.box)

    def play(
        self, session: CallSession, prompt: str, language: str, wait: float, then: Any
    ) -> None:
        """Play a prompt to the caller and call then() when it (and the wait) is over."""
        audio = session.caller.audio
        try:
            path = self.board.prompts.path(prompt, language)
            player = Player(path)
        except (PromptMissing, pj.Error) as exc:
            log.error("call %s: %s", session.call_id, exc)
            self.board.end_call(session, "system", f"prompt missing: {prompt}")
            return
        if audio is not None:
            player.play_to(audio)
        session.prompt = player
        session.prompt_timer = self.board.reactor.call_later(player.seconds + wait, then)

    def stop_prompt(self, session: CallSession) -> None:
        """Stop the prompt the caller hears, if any."""
        if session.prompt_timer is not None:
            session.prompt_timer.cancel()
            session.prompt_timer = None
        # Dropping the player destroys it, which removes its port and connections in one
        # bridge operation; on pjproject 2.12 each operation waits for the mixer's lock.
        session.prompt = None
