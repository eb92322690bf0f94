"""The calls campaigns place, on the engine thread: dial, bridge to an agent, drop, play a flow.

The dialer thread (`campaign_runner.py`) decides who to call and hands each dial here
(`place`).  The contact's leg (role `prospect`) is the call's caller.  Before answer it
may end busy (486/600), unanswered (408/480, or the ring limit: 487) or failed (any
other code).  Once answered:

- progressive / predictive: a ready agent of the campaign is rung at once (reserved in
  the ACD, like a transfer to them); the contact hears music meanwhile.  If none is
  free within DROP_WAIT_SECONDS the contact hears the `campaign-dropped` prompt and
  the box hangs up: the attempt is `dropped`.  An agent who does not answer is
  replaced by another free one while the wait lasts.
- agentless: the contact is sent into the campaign's IVR flow (surveys store answers).

When the call's last leg is gone its `Ended` goes on `results` for the dialer thread,
which writes the attempt and the contact (the store is never written here).
"""

from __future__ import annotations

import logging
import queue
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.dialer.amd import AmdResult, Verdict
from appliance.dialer.campaign import Dial
from appliance.dialer.const import Mode, Outcome
from appliance.engine.callback import PendingLeg
from appliance.engine.campaign_amd import AmdListener
from appliance.engine.campaign_records import CampaignCall, Ended, Live, Placed, outcome_of
from appliance.engine.directory import Route
from appliance.engine.legs import Leg
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
ROLE = "prospect"  # the contact a campaign called
RING_SECONDS = 30  # a contact who has not answered by then is `no_answer`
DROP_WAIT_SECONDS = 2.0  # an answered contact with no agent by then is dropped
CHECK_SECONDS = 0.2
DROP_PROMPT = "campaign-dropped"


class CampaignCalls:
    """Campaign calls in progress, for one switchboard (engine thread only)."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.calls: dict[str, CampaignCall] = {}
        self.results: queue.SimpleQueue[Ended] = queue.SimpleQueue()  # read by the dialer thread

    # --- the figures a tick reads ----------------------------------------------------------

    def live(self, campaign_id: int, agents: tuple[str, ...], queue_name: str) -> Live:
        """Return a campaign's ready agents, calls in flight and the trunk's free channels."""
        mine = [c for c in self.calls.values() if c.dial.campaign_id == campaign_id]
        pool = agents or self.members(queue_name)
        ready = tuple(ext for ext in pool if self._free(ext))
        busy = sum(1 for c in mine if c.answered_at is not None and c.outcome is None)
        ringing = sum(1 for c in mine if c.answered_at is None)
        contacts = frozenset(c.dial.contact_id for c in mine)
        return Live(ready, busy, ringing, contacts, self.free_channels(), len(mine))

    def members(self, queue_name: str) -> tuple[str, ...]:
        """Return the agents of a queue (none for an unknown one)."""
        config = self.board.acd.queues.get(queue_name)
        return tuple(sorted(config.members)) if config else ()

    def _free(self, extension: str) -> bool:
        """Return true if an agent can take a campaign call now."""
        agent = self.board.acd.agents.get(extension)
        return agent is not None and agent.available(time.time()) and agent.call_id is None

    def free_channels(self) -> int:
        """Return the calls the outbound trunk can still carry (its limit less its calls)."""
        peer = self.board.directory.outbound
        if peer is None:
            return 0
        limit = peer.max_channels or self.board.settings.dialing.max_outbound_calls or 30
        used = sum(self.board.trunk_usage().get(peer.name, {}).values())
        return max(0, limit - used)

    # --- placing a call --------------------------------------------------------------------

    def place(self, dial: Dial, placed: Placed) -> bool:
        """Dial a contact through the outbound trunk; return false if no call could start."""
        session = self._session(dial, placed)
        call = CampaignCall(dial, placed, time.time())
        self.calls[session.call_id] = call
        peer = self.board.directory.outbound
        headers = peer.caller_id_headers(dial.caller_id) if peer is not None else None
        leg = self.board.dial(session, dial.number, ROLE, RING_SECONDS, True, peer, headers)
        if leg.ended:
            call.outcome = Outcome.FAILED
            self.board.end_call(session, "system", "no trunk could place the call", 503)
            return False
        session.caller = leg
        data = {"number": dial.number, "trunk": leg.trunk, "attempt": placed.attempt}
        self.board.emit(session, "campaign.dialing", data, leg.leg_id)
        return True

    def _session(self, dial: Dial, placed: Placed) -> CallSession:
        """Return a new campaign call whose contact leg is not dialled yet."""
        assert self.board.trunk_account is not None
        pending = PendingLeg(self.board, self.board.trunk_account, pj.PJSUA_INVALID_ID, ROLE)
        pending.call, pending.leg_id = None, "pending"
        session = CallSession(placed.call_id, pending, dial.caller_id, dial.number,
                              "outbound", started_at=time.time())  # fmt: skip
        session.state = "dialling"
        session.queue = self.board.acd.queues.get(placed.queue)
        self.board.sessions[session.call_id] = session
        data = {"from": dial.caller_id, "to": dial.number, "direction": "outbound",
                "via": "campaign", "campaign": dial.campaign_id, "contact": dial.contact_id,
                "attempt": placed.attempt, "mode": str(dial.mode)}  # fmt: skip
        self.board.emit(session, "call.started", data)
        return session

    def watch_preview(self, dial: Dial, placed: Placed, agent: str) -> None:
        """Follow a preview call an agent placed from their phone (click-to-dial)."""
        call = CampaignCall(dial, placed, time.time(), agent=agent, preview=True)
        self.calls[placed.call_id] = call

    # --- the contact's leg -----------------------------------------------------------------

    def answered(self, session: CallSession, leg: Leg) -> None:
        """The contact answered: to an agent, or into the flow (agentless)."""
        call = self.calls.get(session.call_id)
        if call is None or leg is not session.caller or session.state != "dialling":
            leg.end()
            return
        call.answered_at = time.time()
        session.state = "answered"
        self.board.emit(session, "campaign.answered", {"number": call.dial.number}, leg.leg_id)
        if call.placed.amd:
            call.screening = True
            self._screen(session, call)
        else:
            self._go_on(session, call)

    def _go_on(self, session: CallSession, call: CampaignCall) -> None:
        """Give an answered contact to an agent, or to the flow (agentless)."""
        call.offered_at = time.time()
        if call.dial.mode is Mode.AGENTLESS:
            self._start_flow(session, call)
        else:
            self._seek_agent(session, call)

    def media_ready(self, session: CallSession, leg: Leg) -> None:
        """The contact's audio flows: start a flow waiting for it, or join the agent."""
        call = self.calls.get(session.call_id)
        if call is not None and call.screening:
            self._screen(session, call)
        elif call is not None and call.dial.mode is Mode.AGENTLESS and session.state == "answered":
            self._start_flow(session, call)
        elif session.state in ("queued", "ringing"):
            self.board.desk.start_music(session)
        else:
            self.board.desk.bridge(session)

    def ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """The contact's leg ended: before answer, the dial's outcome; after, the call ends."""
        call = self.calls.get(session.call_id)
        if call is not None and call.listener is not None:
            call.listener.close()
        if leg.answered_at is not None:
            self.board.end_call(session, "caller", "the contact hung up")
            return
        if call is not None and call.outcome is None:
            call.outcome = outcome_of(code)
            data = {"code": code, "reason": reason, "outcome": str(call.outcome)}
            self.board.emit(session, "campaign.failed", data, leg.leg_id)
        self.board.end_call(session, "system", f"the contact did not answer ({code})")

    # --- agents ----------------------------------------------------------------------------

    def _seek_agent(self, session: CallSession, call: CampaignCall) -> None:
        """Ring a free agent of the campaign; drop the call once the wait is over."""
        if session.state in ("ending", "dropped") or session.agent_leg is not None:
            return
        if session.ringing:  # an agent rings: look again when that is settled
            session.timers.append(
                self.board.reactor.call_later(
                    CHECK_SECONDS, lambda: self._seek_agent(session, call)
                )
            )
            return
        agent = self._pick(call)
        if agent is not None:
            self._ring(session, agent)
        elif time.time() - (call.offered_at or call.answered_at or 0.0) >= DROP_WAIT_SECONDS:
            self._drop(session, call)
            return
        else:
            session.state = "queued"
        if session.music is None:  # while an agent rings or one is awaited
            self.board.desk.start_music(session)
        session.timers.append(
            self.board.reactor.call_later(CHECK_SECONDS, lambda: self._seek_agent(session, call))
        )

    def _pick(self, call: CampaignCall) -> str | None:
        """Return the free agent who has waited longest (the one named, for a callback).

        An agent a callback in flight is kept for is left to it: their contact may
        answer a moment later and must find them free.
        """
        pool = (call.dial.agent,) if call.dial.agent else call.placed.agents
        pool = pool or self.members(call.placed.queue)
        kept = set() if call.dial.agent else self._kept_for_callbacks()
        free = [self.board.acd.agents[ext] for ext in pool if ext not in kept and self._free(ext)]
        return min(free, key=lambda a: a.idle_since).extension if free else None

    def _kept_for_callbacks(self) -> set[str]:
        """Return the agents named by callbacks still waiting for theirs."""
        return {c.dial.agent for c in self.calls.values() if c.dial.agent and not c.agent}

    def _ring(self, session: CallSession, extension: str) -> None:
        """Reserve an agent and ring their phone for the contact."""
        try:
            self.board.acd.reserve(extension, session.call_id, time.time())
        except (KeyError, ValueError) as exc:
            log.info("call %s: agent %s not taken: %s", session.call_id, extension, exc)
            return
        self.board.desk.ring(session, extension)

    def agent_answered(self, session: CallSession) -> None:
        """Publish `campaign.connected` once an agent talks to the contact."""
        call = self.calls.get(session.call_id)
        if call is None or call.announced or session.agent_leg is None:
            return
        if call.preview and session.state != "talking":
            return  # the agent's own phone answered; the contact has not yet
        if session.agent_leg.answered_at is None:
            return
        call.announced, call.agent = True, session.agent
        call.connected_at = time.time()
        call.answered_at = call.answered_at or call.connected_at
        data = {"agent": session.agent, "call": session.call_id, "campaign": call.dial.campaign_id,
                "contact": call.dial.contact_id, "attempt": call.placed.attempt}  # fmt: skip
        self.board.emit(session, "campaign.connected", data)

    def _drop(self, session: CallSession, call: CampaignCall) -> None:
        """Nobody is free: play the dropped-call message, then hang up."""
        call.outcome = Outcome.DROPPED
        self.board.desk.stop_music(session)
        session.state = "dropped"
        self.board.emit(session, "campaign.dropped", {"waited": DROP_WAIT_SECONDS})
        hang_up = lambda: self.board.end_call(session, "system", "dropped: no agent free")  # noqa: E731
        self.board.ivr.play(session, DROP_PROMPT, call.placed.language, 0.3, hang_up)

    # --- answering-machine detection ---------------------------------------------------------

    def _screen(self, session: CallSession, call: CampaignCall) -> None:
        """Listen to the contact once their audio flows (appliance/engine/campaign_amd.py)."""
        audio = session.caller.audio
        if audio is None or call.listener is not None:
            return
        done = lambda result: self._screened(session, call, result)  # noqa: E731
        name = f"amd-{session.call_id}"
        call.listener = AmdListener(name, audio, self.board.reactor.call_later, done)

    def _screened(self, session: CallSession, call: CampaignCall, result: AmdResult) -> None:
        """A machine is hung up on (outcome `machine`); a person goes on as without AMD."""
        call.listener, call.screening = None, False
        if session.state != "answered":
            return  # ended meanwhile
        data = {"call": session.call_id, "verdict": str(result.verdict),
                "reason": result.reason, "seconds": result.seconds}  # fmt: skip
        self.board.emit(session, "campaign.amd", data)
        if result.verdict is Verdict.MACHINE:
            call.outcome = Outcome.MACHINE
            self.board.end_call(session, "system", f"answering machine ({result.reason})")
        else:
            self._go_on(session, call)

    # --- agentless -------------------------------------------------------------------------

    def _start_flow(self, session: CallSession, call: CampaignCall) -> None:
        """Send an answered contact into the campaign's flow once their audio flows."""
        if session.caller.audio is None or session.state != "answered":
            return
        found = self.board.directory.flows.get(call.placed.flow)
        call.connected_at = time.time()
        if found is None:
            log.error("campaign %s: flow %r is not active", call.dial.campaign_id, call.placed.flow)
            self.board.end_call(session, "system", f"flow {call.placed.flow!r} is not active")
            return
        graph, version = found
        session.route = Route(call.dial.number, "ivr", call.placed.flow, graph, version)
        data = {"flow": call.placed.flow, "version": version}
        self.board.emit(session, "campaign.flow", data)  # the CDR's answer (callflow/cdr.py)
        self.board.ivr.start_route(session)

    # --- the end ---------------------------------------------------------------------------

    def finished(self, session: CallSession) -> None:
        """A campaign call is over: put how it ended on the queue for the dialer thread."""
        call = self.calls.pop(session.call_id, None)
        if call is None:
            return
        if call.listener is not None:
            call.listener.close()
        now = time.time()
        outcome = call.outcome or self._outcome(session, call)
        handled = now - call.connected_at if call.connected_at and call.agent else None
        to_answer = (call.answered_at - call.started_at) if call.answered_at else 0.0
        self.results.put(Ended(call.dial.campaign_id, call.dial.contact_id, call.placed.attempt,
                             session.call_id, outcome, now, to_answer, handled,
                             call.agent or session.agent))  # fmt: skip

    def _outcome(self, session: CallSession, call: CampaignCall) -> Outcome:
        """Return the outcome of a call that ended without one set."""
        if call.preview:
            return self._preview_outcome(session)
        if call.connected_at is not None:
            return Outcome.CONNECTED
        # Answered, but no agent (or flow) took it: the contact was lost to the campaign.
        return Outcome.DROPPED if call.answered_at is not None else Outcome.FAILED

    @staticmethod
    def _preview_outcome(session: CallSession) -> Outcome:
        """Return a preview call's outcome from its click-to-dial events."""
        kinds = {e["kind"]: e for e in session.events}
        if "dial.answered" in kinds:
            return Outcome.CONNECTED
        failed = kinds.get("dial.failed")
        return outcome_of(int(failed["data"].get("code") or 0)) if failed else Outcome.FAILED
