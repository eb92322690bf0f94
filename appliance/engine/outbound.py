"""Calls out through the trunk: an external number a queue sends callers to, and callbacks.

Legs dialled here have the role `external` (bridged to a waiting caller) or
`customer` (a callback's customer, see `callback.py`); the switchboard hands their
answers and ends to `TrunkDesk`.  They go to the first enabled trunk
(`Directory.outbound`) from the engine's trunk account.  Runs on the engine thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.engine.legs import Leg
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
OUTBOUND_ROLES = ("external", "customer")
DIAL_SECONDS = 45  # an outside number that has not answered by then is given up


class TrunkDesk:
    """Legs dialled out through the trunk, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def dial(self, session: CallSession, number: str, role: str) -> Leg | None:
        """Dial number through the trunk for session; return the leg, or None if it cannot."""
        peer, account = self.board.directory.outbound, self.board.trunk_account
        if peer is None or account is None:
            log.error("call %s: no enabled trunk to dial %s through", session.call_id, number)
            return None
        leg = self.board.new_leg(account, pj.PJSUA_INVALID_ID, role)
        leg.call_id, leg.extension = session.call_id, number
        try:
            leg.dial(peer.uri(number))
        except pj.Error as exc:
            log.error("call %s: cannot dial %s: %s", session.call_id, number, exc.info())
            self.board.legs.pop(leg.leg_id, None)
            return None
        session.timers.append(
            self.board.reactor.call_later(DIAL_SECONDS, lambda: self._give_up(leg))
        )
        return leg

    @staticmethod
    def _give_up(leg: Leg) -> None:
        """Stop dialling a number that has not answered."""
        if leg.answered_at is None and not leg.ended:
            leg.end(487)

    def forward(self, session: CallSession, number: str) -> None:
        """Send a waiting caller to an external number and bridge them when it answers."""
        session.state = "forwarding"
        leg = self.dial(session, number, "external")
        if leg is None:
            self.board.end_call(session, "system", f"cannot dial external number {number}")
            return
        session.ringing[f"external:{number}"] = leg
        peer = self.board.directory.outbound
        data = {"number": number, "trunk": peer.name if peer else None}
        self.board.emit(session, "external.dialing", data, leg.leg_id)

    def confirmed(self, session: CallSession, leg: Leg) -> None:
        """An outside number answered: bridge it to the caller (or to a callback's agent)."""
        if leg.role == "customer":
            self.board.desk.callbacks.customer_answered(session, leg)
            return
        if session.ringing.pop(f"external:{leg.extension}", None) is not leg:
            leg.end()  # the caller left meanwhile
            return
        session.agent_leg, session.state = leg, "talking"
        self.board.emit(session, "external.answered", {"number": leg.extension}, leg.leg_id)
        self.board.desk.bridge(session)

    def ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """An outside leg ended: before answer the call fails; after, the call is over."""
        if leg.role == "customer":
            self.board.desk.callbacks.customer_ended(session, leg, code, reason)
            return
        session.ringing.pop(f"external:{leg.extension}", None)
        if leg.answered_at is None:
            data = {"number": leg.extension, "code": code, "reason": reason}
            self.board.emit(session, "external.failed", data, leg.leg_id)
            self.board.end_call(session, "system", f"external number did not answer ({code})")
        else:
            self.board.end_call(session, "external", "external number hung up")
