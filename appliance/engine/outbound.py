"""Calls out through the trunk: an external number a queue sends callers to, and callbacks.

Legs dialled here have the role `external` (bridged to a waiting caller) or
`customer` (a callback's customer, see `callback.py`); the switchboard hands their
answers and ends to `TrunkDesk`.  They go to the first enabled trunk
(`Directory.outbound`) from the engine's trunk account.  Runs on the engine thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.engine.legs import Leg
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

OUTBOUND_ROLES = ("external", "customer")
DIAL_SECONDS = 45  # an outside number that has not answered by then is given up


class TrunkDesk:
    """Legs dialled out through the trunk, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board

    def dial(self, session: CallSession, number: str, role: str) -> Leg | None:
        """Dial number through the trunk for session; return the leg, or None if it cannot."""
        leg = self.board.dial(session, number, role, DIAL_SECONDS, external=True)
        return None if leg.ended else leg

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
        if session.ringing.pop(f"external:{leg.number}", None) is not leg:
            leg.end()  # the caller left meanwhile
            return
        session.agent_leg, session.state = leg, "talking"
        self.board.emit(session, "external.answered", {"number": leg.number}, leg.leg_id)
        self.board.desk.bridge(session)

    def ended(self, session: CallSession, leg: Leg, code: int, reason: str) -> None:
        """An outside leg ended: before answer the call fails; after, the call is over."""
        if leg.role == "customer":
            self.board.desk.callbacks.customer_ended(session, leg, code, reason)
            return
        session.ringing.pop(f"external:{leg.number}", None)
        if leg.answered_at is None:
            data = {"number": leg.number, "code": code, "reason": reason}
            self.board.emit(session, "external.failed", data, leg.leg_id)
            self.board.end_call(session, "system", f"external number did not answer ({code})")
        else:
            self.board.end_call(session, "external", "external number hung up")
