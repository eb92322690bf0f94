"""The company intro (call.intro): the caller hears a recorded answer, then the agent again.

The agent sends the caller to a standard recording (seed §14 "listen to company
intro"); meanwhile the agent hears the queue's music on hold.  Who hears what is the
audio plan's (`callflow/mixing.py`, `Situation.intro`); this module starts and ends
the intro.  When it ends (played, cancelled by `call.intro_cancel`, or cut short by
a transfer) the caller is joined back to the agent.  If the agent hangs up
meanwhile, the caller hears the rest and then the queue node's survey, if any, else
the call ends.  Runs on the engine thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.engine.control import CommandError
from appliance.engine.legs import Leg
from appliance.engine.media import Player, PromptMissing
from appliance.engine.reactor import Timer

if TYPE_CHECKING:
    from appliance.engine.session import CallSession
    from appliance.engine.switchboard import Switchboard

DEFAULT_PROMPT = "company-intro"
PROMPT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Intro:
    """An intro playing to a caller."""

    prompt: str
    player: Player
    timer: Timer | None = None
    over: bool = False  # ended: the plan joins the caller back
    playing: bool = False  # the player sends to the caller
    music: Player | None = None  # music on hold the waiting agent hears
    music_to: Leg | None = None


class IntroOps:
    """Intros of one switchboard's calls."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def start(self, call_id: str, prompt: str = DEFAULT_PROMPT) -> dict[str, object]:
        """Play prompt to the caller of a connected call; the agent waits with music."""
        session = self.board.ops.connected(call_id)
        if session.intro is not None:
            raise CommandError("busy", f"call {call_id} is already hearing {session.intro.prompt}")
        if session.consult is not None or session.third is not None:
            raise CommandError("busy", f"call {call_id} has a transfer or a third party")
        if not PROMPT_NAME.match(prompt):
            raise CommandError("bad-args", f"prompt {prompt!r} is not a prompt name")
        language = session.run.language if session.run else self.board.settings.language
        try:
            player = Player(self.board.prompts.path(prompt, language))
        except (PromptMissing, pj.Error) as exc:
            raise CommandError("no-prompt", str(exc)) from None
        session.intro = intro = Intro(prompt, player)
        intro.timer = self.board.reactor.call_later(player.seconds, lambda: self.end(session))
        session.timers.append(intro.timer)
        data = {"prompt": prompt, "agent": session.agent, "seconds": round(player.seconds, 1)}
        self.board.emit(session, "call.intro_started", data)
        self.board.mixer.remix(session)
        return {"call_id": call_id, "prompt": prompt, "seconds": data["seconds"]}

    def cancel(self, call_id: str) -> dict[str, object]:
        """Stop the intro early and join the caller back to the agent."""
        session = self.board.ops.connected(call_id)
        if session.intro is None:
            raise CommandError("no-intro", f"call {call_id} is not hearing an intro")
        self.end(session, "cancelled")
        return {"call_id": call_id, "cancelled": True}

    def agent_left(self, session: CallSession) -> bool:
        """Let the caller hear the rest of the intro after the agent hung up; false: no intro."""
        if session.intro is None or session.intro.over:
            return False
        if session.agent_leg is not None:
            session.released.append(session.agent_leg)
        session.agent_leg, session.held, session.links = None, False, set()
        session.state = "intro"  # no agent: call operations are refused until it ends
        self.board.mixer.remix(session)
        return True

    def end(self, session: CallSession, why: str = "played") -> None:
        """End the intro: the caller hears the agent again, or what follows the agent's leaving."""
        intro = session.intro
        if intro is None or session.state == "ending":
            return
        if intro.timer is not None:
            intro.timer.cancel()
        intro.over = True
        self.board.mixer.remix(session)  # stops the intro and the agent's music, rejoins
        session.intro = None  # dropping the player removes its port and connections
        self.board.emit(session, "call.intro_ended", {"prompt": intro.prompt, "reason": why})
        if session.state == "intro" and not self.board.ivr.surveys.keep(session):
            self.board.end_call(session, "agent", "agent hung up")
