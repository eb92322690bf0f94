"""Queue callbacks that keep the caller's place in line (the exit key's `callback` target).

1. The caller presses the exit key and hears the offer (`callback_offers.py`); they
   confirm their own number or key another, hear the confirmation and the box hangs
   up (`queue.callback_requested`; CDR `callback`).
2. Their ACD entry is handed over, with its original arrival time and priority, to a
   callback entry with no caller leg, so it is served exactly when they would have
   been.  The request is kept in the store (`queue_callback`): a reload keeps it in
   memory and an engine restart reloads it.
3. When an agent is assigned, a callback call starts: the agent is rung first
   (reserved, with the usual ring timeout, retries and auto-pause); once they
   answer the box dials the customer through the trunk (`callback.dialing`) and
   bridges and records them (`callback.answered`).  A customer who does not answer
   ends that call (`callback.failed`); the callback is put back in line at its
   place after `callback_retry_seconds`, up to `callback_attempts` calls.
Runs on the engine thread.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from appliance.callflow.callback_offer import callable_number
from appliance.callflow.say import digits_prompts
from appliance.engine.control import CommandError
from appliance.engine.legs import Leg
from appliance.engine.queue_store import PendingCallback
from appliance.engine.session import CallSession, new_call_id

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)


class PendingLeg(Leg):
    """A callback's customer before they are dialled: it ends only when its call is ended.

    While the agent rings, the callback call has no SIP dialog on the customer's side;
    this leg keeps the call open (the switchboard finishes a call once all its legs
    have ended) until the call itself is ended.
    """

    def end(self, code: int = 200, reason: str = "") -> None:
        """End the leg (there is no dialog to hang up)."""
        self.ended = True


@dataclass
class Callback:
    """A callback waiting for, or being served by, an agent."""

    callback_id: str
    call_id: str  # the call it was asked for in
    queue: str
    number: str
    priority: int
    joined_at: float
    requested_at: float
    attempts: int = 0
    state: str = "waiting"  # waiting | done | failed


class CallbackDesk:
    """Callbacks waiting in line and callback calls, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.entries: dict[str, Callback] = {}  # ACD entry / callback call id -> callback
        self.closed: set[str] = set()  # callback ids done or failed (the store may lag)
        self.retrying: set[str] = set()  # callback ids waiting to be put back in line

    # --- the request -----------------------------------------------------------------------

    def request(self, session: CallSession, number: str) -> dict[str, Any]:
        """Turn a queued caller into a callback at their place; confirm and hang up."""
        self.board.desk.offers.forget(session)
        entry = self.board.acd.leave(session.call_id)
        if entry is None:
            raise LookupError(f"call {session.call_id} is not waiting in a queue")
        self.board.desk.stop_ringing(session, "callback requested")
        callback = Callback(
            f"cb-{uuid.uuid4().hex[:16]}",
            session.call_id,
            entry.queue,
            number,
            entry.priority,
            entry.joined_at,
            time.time(),
        )
        entry_id = self._enqueue(callback)
        position = self.board.acd.position(entry_id)
        data = {
            "queue": entry.queue,
            "number": number,
            "position": position,
            "callback_id": callback.callback_id,
        }
        self.board.emit(session, "queue.callback_requested", data)
        self._keep(callback)
        session.cancel_timers()  # max wait and announcements: the caller is leaving
        session.state = "callback"
        self.board.desk.stop_music(session)
        prompts = ["callback-confirm", *digits_prompts(number), "goodbye"]
        self.board.desk.announce.play(
            session,
            prompts,
            self.board.desk.language(session),
            lambda: self.board.end_call(session, "system", "callback requested"),
        )
        self.board.reactor.call_later(0.05, self.board.desk.dispatch)
        return data

    def _enqueue(self, callback: Callback) -> str:
        """Put a callback in line at its original place; return its ACD entry id."""
        entry_id = new_call_id()
        self.board.acd.join(
            entry_id, callback.queue, callback.joined_at, callback.priority, callback.number
        )
        self.entries[entry_id] = callback
        return entry_id

    def _keep(self, callback: Callback) -> None:
        """Write the callback's current state to the store (through the event writer)."""
        self.board.writer.callback({**asdict(callback), "updated_at": time.time()})
        if callback.state != "waiting":
            self.closed.add(callback.callback_id)

    def restore(self, pending: list[PendingCallback]) -> None:
        """Put callbacks kept in the store back in line (engine start; reload adds none twice)."""
        # Ids closed here but still "waiting" in the store are a write not yet committed;
        # once the store agrees they need no remembering (this keeps the set small).
        self.closed &= {p.callback_id for p in pending}
        known = {c.callback_id for c in self.entries.values()} | self.closed | self.retrying
        for p in pending:
            if p.callback_id in known or p.queue not in self.board.acd.queues:
                continue
            callback = Callback(
                p.callback_id,
                p.call_id,
                p.queue,
                p.number,
                p.priority,
                p.joined_at,
                time.time(),
                p.attempts,
            )
            self._enqueue(callback)
            log.info("callback %s to %s restored in %s", p.callback_id, p.number, p.queue)

    # --- the callback call -----------------------------------------------------------------

    def start(self, entry_id: str) -> CallSession | None:
        """Return a new callback call for an ACD entry an agent was assigned to, else None."""
        callback = self.entries.get(entry_id)
        if callback is None or self.board.trunk_account is None:
            return None
        placeholder = self._placeholder()
        session = CallSession(
            entry_id,
            placeholder,
            callback.number,
            callback.queue,
            direction="callback",
            started_at=time.time(),
        )
        session.queue = self.board.acd.queues.get(callback.queue)
        session.priority, session.state = callback.priority, "queued"
        self.board.sessions[entry_id] = session
        data = {
            "from": callback.number,
            "to": callback.queue,
            "direction": "callback",
            "via": "trunk",
            "callback_id": callback.callback_id,
            "callback_of": callback.call_id,
            "attempt": callback.attempts + 1,
            "joined_at": callback.joined_at,
        }
        self.board.emit(session, "call.started", data)
        return session

    def _placeholder(self) -> Leg:
        """Return a customer leg not dialled yet (the call's caller until the agent answers)."""
        assert self.board.trunk_account is not None
        leg = PendingLeg(self.board, self.board.trunk_account, pj.PJSUA_INVALID_ID, "customer")
        leg.call, leg.leg_id = None, "pending"  # no dialog yet: nothing to hang up
        return leg

    def agent_reserved(self, session: CallSession) -> None:
        """The agent answered a callback call: now dial the customer."""
        callback = self.entries.get(session.call_id)
        if callback is None:
            return
        callback.attempts += 1
        self._keep(callback)
        leg = self.board.desk.trunk.dial(session, callback.number, "customer")
        if leg is None:
            self._failed(session, callback, 0, "cannot dial")
            return
        session.caller = leg
        limit = session.queue.behaviour.callback_attempts if session.queue else 1
        data = {
            "number": callback.number,
            "attempt": callback.attempts,
            "attempts": limit,
            "agent": session.agent,
            "callback_id": callback.callback_id,
        }
        self.board.emit(session, "callback.dialing", data, leg.leg_id)

    def customer_answered(self, session: CallSession, leg: Leg) -> None:
        """The customer answered: bridge them to the agent; the callback is done."""
        callback = self.entries.pop(session.call_id, None)
        if callback is None or leg is not session.caller:
            leg.end()
            return
        callback.state = "done"
        self._keep(callback)
        data = {
            "number": callback.number,
            "attempt": callback.attempts,
            "callback_id": callback.callback_id,
        }
        self.board.emit(session, "callback.answered", data, leg.leg_id)
        self.board.desk.bridge(session)

    def customer_ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """The customer's leg ended: a hang-up after answer ends the call; before, a retry."""
        if leg.answered_at is not None:
            self.board.end_call(session, "caller", "customer hung up")
            return
        callback = self.entries.pop(session.call_id, None)
        if callback is not None:
            self._failed(session, callback, code, reason)

    def _failed(self, session: CallSession, callback: Callback, code: int, reason: str) -> None:
        """Note an unanswered call to the customer; retry at their place later, or give up."""
        behaviour = session.queue.behaviour if session.queue else None
        limit = behaviour.callback_attempts if behaviour else 1
        final = callback.attempts >= limit
        retry = behaviour.callback_retry_seconds if behaviour else 0
        callback.state = "failed" if final else "waiting"
        self._keep(callback)
        data = {
            "number": callback.number,
            "attempt": callback.attempts,
            "code": code,
            "reason": reason,
            "final": final,
            "retry_in": None if final else retry,
            "callback_id": callback.callback_id,
        }
        self.board.emit(session, "callback.failed", data)
        if not final:
            self.retrying.add(callback.callback_id)
            self.board.reactor.call_later(retry, lambda: self._retry(callback))
        self.board.end_call(session, "system", "customer did not answer")

    def _retry(self, callback: Callback) -> None:
        """Put a callback back in line at its original place."""
        self.retrying.discard(callback.callback_id)
        if callback.queue not in self.board.acd.queues:
            log.warning(
                "callback %s dropped: queue %s is gone", callback.callback_id, callback.queue
            )
            return
        self._enqueue(callback)
        self.board.desk.dispatch()


def request_callback(board: Switchboard, call_id: str, number: str) -> dict[str, Any]:
    """Turn a queued call into a callback (the `queue.callback` command); CommandError if not."""
    session = board.sessions.get(call_id) if isinstance(call_id, str) else None
    queued = session is not None and session.state in ("queued", "ringing")
    if session is None or not queued or board.acd.position(call_id) == 0:
        raise CommandError("not-queued", f"call {call_id!r} is not waiting in a queue")
    number = number or session.from_number
    if not isinstance(number, str) or not callable_number(number):
        raise CommandError("bad-number", f"{number!r} is not a number to call back (3-20 digits)")
    return board.desk.callbacks.request(session, number)
