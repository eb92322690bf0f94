"""The callback offer a queued caller hears after pressing the exit key (target `callback`).

The caller keeps their place while they listen: music stops, their ACD entry stays.
`CallbackOffer` (pure) decides what each key and timeout means; this desk plays the
prompts, waits for keys and, once a number is confirmed, hands over to
`CallbackDesk.request`.  Runs on the engine thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from appliance.callflow.callback_offer import Ask, CallbackOffer, Cancel, Confirm, Step
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
OFFER_WAIT_SECONDS = 8.0  # after a prompt of the offer, and between keyed digits


class CallbackOffers:
    """Callers hearing the callback offer, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.offers: dict[str, CallbackOffer] = {}  # call_id -> offer being heard

    def offering(self, session: CallSession) -> bool:
        """Return true if the caller is in the callback offer."""
        return session.call_id in self.offers and session.state in ("queued", "ringing")

    def offer(self, session: CallSession) -> None:
        """Start the offer for a queued caller (music stops, their place is kept meanwhile)."""
        offer = self.offers[session.call_id] = CallbackOffer(session.from_number)
        self.board.desk.stop_music(session)
        self._step(session, offer.start())

    def digit(self, session: CallSession, digit: str) -> None:
        """Feed a key to the offer (it cuts the prompt short)."""
        self.board.ivr.stop_prompt(session)
        step = self.offers[session.call_id].digit(digit)
        if step is None:
            self._wait(session)
        else:
            self._step(session, step)

    def _step(self, session: CallSession, step: Step) -> None:
        """Carry out one step of the offer."""
        if isinstance(step, Ask):
            language = self.board.desk.language(session)
            self.board.desk.announce.play(
                session, list(step.prompts), language, lambda: self._wait(session)
            )
        elif isinstance(step, Confirm):
            try:
                self.board.desk.callbacks.request(session, step.number)
            except LookupError as exc:  # answered or gone on in the meantime
                log.info("call %s: %s", session.call_id, exc)
        elif isinstance(step, Cancel):
            self.offers.pop(session.call_id, None)
            data = {"queue": session.queue.name if session.queue else None, "reason": step.reason}
            self.board.emit(session, "queue.callback_cancelled", data)
            self.board.desk.announce.resume(session)

    def _wait(self, session: CallSession) -> None:
        """Wait for the next key; a timeout is the offer's to judge."""
        offer = self.offers.get(session.call_id)
        if offer is None or not self.offering(session):
            return

        def timeout() -> None:
            if self.offering(session):
                self._step(session, offer.timeout())

        session.prompt_timer = self.board.reactor.call_later(OFFER_WAIT_SECONDS, timeout)

    def forget(self, session: CallSession) -> None:
        """Drop what the desk holds for a call that is ending."""
        self.offers.pop(session.call_id, None)
