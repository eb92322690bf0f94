"""What a waiting caller hears besides music: position and expected wait, periodic prompts.

Runs on the engine thread.  Each announcement stops the music, plays a sequence of
prompts (timed from their WAV headers, like every prompt) and starts the music
again.  Timers belong to the call (`session.timers`), so leaving the queue or
hanging up cancels them; one that falls due while the caller hears another prompt
is played right after it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.callflow.ewt import minutes
from appliance.callflow.presence import present, serving
from appliance.callflow.say import position_prompts, wait_prompts
from appliance.engine.media import Player, PromptMissing
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
Act = Callable[[CallSession], bool]  # say something; true if it is being said
STAY_CHECK_SECONDS = 2.0  # how often the stay_when rule is checked


class Announcer:
    """Announcements to the callers waiting in queues of one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.pending: dict[str, list[Act]] = {}  # call_id -> announcements due, in order
        self.speaking: dict[str, Act] = {}  # call_id -> the announcement being said

    def joined(self, session: CallSession) -> None:
        """Start the repeating announcements and the stay check of a caller who just joined."""
        b = session.queue.behaviour if session.queue else None
        if b is None:
            return
        if b.announce_seconds > 0:
            self._every(session, b.announce_seconds, self.announce_position)
        if b.periodic_seconds > 0:
            self._every(session, b.periodic_seconds, self.announce_periodic)
        if b.stay_when != "always":
            self._check_stay_every(session)

    def welcome(self, session: CallSession) -> None:
        """After "please hold": the caller's position (when the queue announces it), then music."""
        b = session.queue.behaviour if session.queue else None
        announces = b is not None and b.announce_seconds > 0 and session.state == "queued"
        if not (announces and self._run(session, self.announce_position)):
            self.resume(session)

    def forget(self, session: CallSession) -> None:
        """Drop announcements still due to a call that is ending."""
        self.pending.pop(session.call_id, None)
        self.speaking.pop(session.call_id, None)

    def _every(self, session: CallSession, seconds: float, act: Act) -> None:
        """Call act(session) every seconds while the caller waits.

        One falling due while the caller hears something else (another announcement,
        "please hold", the callback offer) is played right after it, before the music.
        """

        def tick() -> None:
            if session.state not in ("queued", "ringing"):
                return  # answered, gone on, or ending: the repetition ends with the wait
            busy = not (self._free(session) and self._run(session, act))
            due = self.pending.setdefault(session.call_id, [])
            if busy and act not in due and self.speaking.get(session.call_id) != act:
                due.append(act)
            self._every(session, seconds, act)

        self._schedule(session, seconds, tick)

    def _run(self, session: CallSession, act: Act) -> bool:
        """Say act's announcement now; return true if it is being said."""
        if act(session):
            self.speaking[session.call_id] = act
            return True
        return False

    def resume(self, session: CallSession) -> None:
        """Play the next announcement that fell due meanwhile, or go back to the music."""
        self.speaking.pop(session.call_id, None)
        due = self.pending.get(session.call_id)
        while due and session.state == "queued" and not self.board.desk.offers.offering(session):
            if self._run(session, due.pop(0)):
                return
        self.board.desk.start_music(session)

    def _check_stay_every(self, session: CallSession) -> None:
        """Check the queue's stay rule every STAY_CHECK_SECONDS while the caller waits."""

        def tick() -> None:
            if session.state in ("queued", "ringing"):
                self.check_stay(session)
                self._check_stay_every(session)

        self._schedule(session, STAY_CHECK_SECONDS, tick)

    def _schedule(self, session: CallSession, delay: float, tick: Callable[[], None]) -> None:
        """Add a timer to the call's, dropping those long run (a long wait ticks often).

        A timer more than a second past due has run: the reactor runs due timers every
        10 ms.  One just due may not have yet, so it stays cancellable.
        """
        run = time.monotonic() - 1.0
        session.timers[:] = [t for t in session.timers if t.due > run]
        session.timers.append(self.board.reactor.call_later(delay, tick))

    def _free(self, session: CallSession) -> bool:
        """Return true if the caller only hears music now (nothing to interrupt)."""
        return (
            session.state == "queued"
            and session.prompt is None
            and not self.board.desk.offers.offering(session)
        )

    def announce_position(self, session: CallSession) -> bool:
        """Say the caller's position and expected wait; return true if it is being said."""
        config = session.queue
        position = self.board.acd.position(session.call_id)
        if config is None or position == 0:
            return False
        language = self.board.desk.language(session)
        agents = serving(config.members, self.board.acd.agents)
        ewt = self.board.desk.ewt.expected_wait(config.name, position, agents)
        prompts = position_prompts(position, language)
        if ewt is not None:
            prompts += wait_prompts(minutes(ewt), language)
        data = {
            "queue": config.name,
            "position": position,
            "serving": agents,
            "ewt": None if ewt is None else round(ewt, 1),
            "prompts": prompts,
            "language": language,
        }
        self.board.emit(session, "queue.announced", data)
        return self._say(session, prompts, language)

    def announce_periodic(self, session: CallSession) -> bool:
        """Play the queue's periodic prompt; return true if it is being played."""
        config = session.queue
        if config is None:
            return False
        prompt = config.behaviour.periodic_prompt
        self.board.emit(session, "queue.periodic", {"queue": config.name, "prompt": prompt})
        return self._say(session, [prompt], self.board.desk.language(session))

    def check_stay(self, session: CallSession) -> None:
        """Turn the caller away if the queue no longer meets its stay_when rule."""
        config = session.queue
        if config is None or session.state != "queued":
            return
        rule = config.behaviour.stay_when
        if not present(rule, config.members, self.board.acd.agents, self.board.desk.now()):
            self.board.desk.exits.turn_away(session, f"no agents ({rule})")

    def _say(self, session: CallSession, prompts: list[str], language: str) -> bool:
        """Stop the music, play prompts, then start the music again."""
        self.board.desk.stop_music(session)
        return self.play(session, prompts, language, lambda: self.resume(session))

    def play(
        self, session: CallSession, prompts: list[str], language: str, then: Callable[[], None]
    ) -> bool:
        """Play prompts one after another, then call then(); false if one is missing."""
        self.board.ivr.stop_prompt(session)  # one voice at a time: this replaces any other
        try:
            paths = [self.board.prompts.path(name, language) for name in prompts]
        except PromptMissing as exc:
            log.error("call %s: %s", session.call_id, exc)
            then()
            return False
        self._next(session, paths, then)
        return True

    def _next(self, session: CallSession, paths: list[Path], then: Callable[[], None]) -> None:
        """Play the first of paths, and the rest after it."""
        session.prompt, session.prompt_timer = None, None
        if not paths:
            then()
            return
        try:
            player = Player(paths[0])
        except pj.Error as exc:
            log.error("call %s: cannot play %s: %s", session.call_id, paths[0], exc.info())
            then()
            return
        if session.caller.audio is not None:
            player.play_to(session.caller.audio)
        session.prompt = player
        session.prompt_timer = self.board.reactor.call_later(
            player.seconds, lambda: self._next(session, paths[1:], then)
        )
