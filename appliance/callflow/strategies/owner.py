"""Customer owner (按客户转接): the agent who owns the customer's record takes the call."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, PreferredAgent


class Owner(PreferredAgent):
    """Ring the agent the calling customer belongs to.

    That agent is rung whatever their penalty.  If they are not free, the caller is
    kept for them while they are busy, up to the queue's `preferred_wait_seconds`
    (0: not at all); otherwise, or for a caller with no owner, the agent free longest
    takes it.  VIP tiers act in every queue, through the caller's priority.
    """

    name = "owner"
    title = "Customer owner"

    def preferred(self, caller: Caller) -> str:
        """Return the customer's owner."""
        return caller.owner
