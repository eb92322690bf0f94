"""Queue handling of the switchboard: music on hold, ringing agents, bridging, wrap-up.

What waiting callers hear and may do besides (announcements, exit key, overflow
targets, voicemail, external numbers, callbacks) lives in the desks `QueueDesk`
holds: `announce`, `exits`, `voicemail`, `trunk`, `offers`, `callbacks`.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.callflow.acd import RING_RETRY_SECONDS
from appliance.callflow.const import AgentState
from appliance.callflow.ewt import WaitEstimator
from appliance.callflow.presence import present
from appliance.engine.announce import Announcer
from appliance.engine.callback import CallbackDesk
from appliance.engine.callback_offers import CallbackOffers
from appliance.engine.directory import Directory
from appliance.engine.legs import Leg
from appliance.engine.media import PromptMissing
from appliance.engine.outbound import TrunkDesk
from appliance.engine.queue_exits import QueueExits
from appliance.engine.routing import route_caller
from appliance.engine.session import CallSession
from appliance.engine.voicemail import VoicemailDesk

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)


class QueueDesk:
    """Callers in queues and the agents who take them, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.ewt = WaitEstimator()
        self.announce = Announcer(board)
        self.exits = QueueExits(board)
        self.voicemail = VoicemailDesk(board)
        self.trunk = TrunkDesk(board)
        self.offers = CallbackOffers(board)
        self.callbacks = CallbackDesk(board)

    def configure(self, directory: Directory) -> None:
        """Seed the wait estimates and put callbacks kept in the store back in line."""
        self.ewt.seed(directory.handle_times)
        self.callbacks.restore(directory.callbacks)

    @staticmethod
    def now() -> float:
        """Return the time as the ACD counts it."""
        return time.time()

    def enter_queue(self, session: CallSession, name: str) -> None:
        """Put the caller in a queue with music, or tell them nobody is there."""
        routed = route_caller(self.board, session, name)  # rules, region groups, VIP tier
        if routed is None:  # sent on to an IVR node
            return
        name = routed
        config = self.board.acd.queues.get(name)
        if config is None:
            self.board.end_call(session, "system", f"unknown queue {name!r}")
            return
        session.queue = config
        full = self.board.acd.full(name)
        rule = config.behaviour.join_when
        if full or not present(rule, config.members, self.board.acd.agents, self.now()):
            self.exits.turn_away(session, "queue full" if full else "no agents")
            return
        now = time.time()
        self.board.acd.join(
            session.call_id, name, now, session.priority, session.known_as, session.skills
        )
        session.state = "queued"
        position = self.board.acd.position(session.call_id)
        data = {"queue": name, "position": position, "priority": session.priority}
        if session.customer:  # found by an IVR lookup, e.g. by account number
            data["customer"] = session.customer
        self.board.emit(session, "queue.joined", data)
        session.timers.append(
            self.board.reactor.call_later(
                config.max_wait_seconds, lambda: self.overflow(session, "max wait")
            )
        )
        self.announce.joined(session)
        self.dispatch()
        if session.state == "ringing":  # an agent was free: music while it rings, no apology
            self.start_music(session)
        elif session.state == "queued":
            self.board.ivr.play(
                session,
                "please-hold",
                self.language(session),
                0.0,
                lambda: self.announce.welcome(session),
            )

    def overflow(self, session: CallSession, why: str) -> None:
        """Send a caller on to the queue's overflow target, or end the call if it has none."""
        target = session.queue.overflow if session.queue else ""
        self.exits.send_on(session, target, why, "queue.overflow")

    @staticmethod
    def language(session: CallSession) -> str:
        """Return the caller's language."""
        return session.run.language if session.run else "en"

    def start_music(self, session: CallSession) -> None:
        """Play the queue's music on hold to a waiting caller."""
        session.prompt, session.prompt_timer = None, None
        if session.state not in ("queued", "ringing") or session.caller.audio is None:
            return
        try:
            session.music = self.board.music.start(
                session.queue.music_class if session.queue else "default", session.caller.audio
            )
        except (PromptMissing, pj.Error) as exc:
            log.warning("call %s: no music on hold: %s", session.call_id, exc)

    def stop_music(self, session: CallSession) -> None:
        """Stop the music on hold a caller hears."""
        if session.music is not None and session.caller.audio is not None:
            session.music.stop_to(session.caller.audio)
        session.music = None

    def leave_queue(self, session: CallSession, reason: str) -> None:
        """Take a caller out of the queue (hanging up an agent still ringing)."""
        self.stop_music(session)
        if self.board.acd.leave(session.call_id) is not None:
            self.board.emit(
                session,
                "queue.left",
                {"queue": session.queue.name if session.queue else None, "reason": reason},
            )
        self.stop_ringing(session, "caller left")

    def stop_ringing(self, session: CallSession, why: str) -> None:
        """Cancel every agent leg still ringing for the call, with no blame on the agents."""
        for leg in list(session.ringing.values()):
            leg.stopped = why
            self.board.acd.ring_stopped(leg.extension)
            leg.end(487)

    def dispatch(self) -> None:
        """Ring agents for waiting callers, as the ACD decides."""
        for call_id, extension in self.board.acd.assignments(time.time()):
            session = self.board.sessions.get(call_id) or self.callbacks.start(call_id)
            if session is not None:
                self.ring(session, extension)
            else:  # the caller is gone: the agent is not kept ringing for nobody
                self.board.acd.ring_stopped(extension)

    def ring(self, session: CallSession, extension: str) -> None:
        """Originate a call to an agent through the SIP edge."""
        ring = session.queue.ring_seconds if session.queue else 20
        leg = self.board.dial(session, extension, "agent", ring)
        session.ringing[extension], session.state = leg, "ringing"
        if leg.ended:
            self.agent_leg_ended(session, leg, 500, "originate failed")
            return
        self.board.emit(
            session,
            "agent.ringing",
            {"agent": extension, "queue": session.queue.name if session.queue else None},
            leg.leg_id,
        )
        self.board.emit_agent(extension, "agent.state", {"state": AgentState.RINGING})

    def agent_answered(self, session: CallSession, leg: Leg) -> None:
        """Connect the first agent who answered to the caller; stop the others ringing."""
        if session.ringing.get(leg.extension) is not leg or session.agent_leg is not None:
            leg.stopped = "answered elsewhere"  # a colleague, or a cancel, was a moment faster
            self.board.acd.ring_stopped(leg.extension)
            leg.end()
            return
        del session.ringing[leg.extension]
        session.agent_leg, session.agent = leg, leg.extension
        self.stop_ringing(session, "answered elsewhere")
        self.board.acd.answered(leg.extension, session.call_id, time.time())
        self.board.ivr.stop_prompt(session)
        self.stop_music(session)
        session.state = "talking"
        self.board.emit(
            session,
            "agent.answered",
            {"agent": leg.extension, "queue": session.queue.name if session.queue else None},
            leg.leg_id,
        )
        self.board.emit_agent(
            leg.extension, "agent.state", {"state": AgentState.ON_CALL, "call_id": session.call_id}
        )
        if leg.audio is not None:
            self.bridge(session)
        if session.direction == "callback":
            self.callbacks.agent_reserved(session)

    def bridge(self, session: CallSession) -> None:
        """Join caller and agent audio both ways and start the recording (once per call)."""
        agent = session.agent_leg.audio if session.agent_leg else None
        if session.caller.audio is None or agent is None:
            return
        self.board.mixer.remix(session)
        if not session.bridged:
            session.bridged = True
            self.board.emit(session, "bridge.joined", {"agent": session.agent})
            self.board.start_recording(session)

    def unbridge(self, session: CallSession) -> None:
        """Stop the recording: dropping the recorder closes its WAV and its bridge port."""
        self.voicemail.finish(session)  # a message being left is noted before it closes
        self.offers.forget(session)
        self.announce.forget(session)
        self.board.recordings.closing(session)
        session.recorder, session.recorded = None, set()
        session.recording_file, session.recording_held = "", False

    def agent_leg_ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """Handle an agent leg ending: before answer, try again; after, end the call."""
        now = time.time()
        if leg.answered_at is None or leg is not session.agent_leg:
            self._ring_ended(session, leg, code, reason, now)
            return
        queue = session.queue.name if session.queue else None
        if queue is not None:
            self.ewt.record(queue, now - leg.answered_at)  # the handle time feeds the estimate
        self.agent_free(session, leg.extension)
        if session.state == "ending" or self.board.ops.hand_over(session):
            return
        if self.board.ops.intro.agent_left(session):  # the caller hears the rest first
            return
        if not self.board.ivr.surveys.keep(session):  # the caller may stay for a survey
            session.ended_by, session.end_reason = "agent", "agent hung up"
            self.board.end_call(session, "agent", "agent hung up")

    def agent_free(self, session: CallSession, extension: str) -> None:
        """Put an agent who left a call into wrap-up (or their chosen state); serve queues."""
        if extension not in self.board.acd.agents:
            return  # an external party, or an agent removed by a reload
        queue = session.queue.name if session.queue else None
        wrap = self.board.acd.call_finished(extension, queue, time.time())
        self.board.agent_changed(extension)
        if wrap:
            self.board.reactor.call_later(wrap, lambda: self._wrap_up_done(extension))
        self.board.reactor.call_later(0.05, self.dispatch)

    def _ring_ended(
        self, session: CallSession, leg: Leg, code: int, reason: str, now: float
    ) -> None:
        """Forget a ring that ended unanswered; a real no-answer rests the agent a while."""
        session.ringing.pop(leg.extension, None)
        paused = False
        if not leg.stopped:
            queue = session.queue.name if session.queue else None
            paused = self.board.acd.ring_failed(leg.extension, now, queue)
            data = {"agent": leg.extension, "code": code, "reason": reason}
            self.board.emit(session, "agent.no_answer", data, leg.leg_id)
        self.board.agent_changed(leg.extension, keep=paused)  # ready, paused, or as set meanwhile
        if session.state == "ringing" and not session.ringing and session.agent_leg is None:
            session.state = "queued"
        self.board.reactor.call_later(0.05, self.dispatch)
        if not leg.stopped:  # serve the queue again when the agent's rest is over
            self.board.reactor.call_later(RING_RETRY_SECONDS + 0.05, self.dispatch)

    def _wrap_up_done(self, extension: str) -> None:
        """Make an agent ready after wrap-up and serve waiting callers."""
        self.board.acd.wrap_up_done(extension)
        self.board.emit_agent(extension, "agent.state", {"state": AgentState.READY})
        self.dispatch()
