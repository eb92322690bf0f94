"""Sticky agent (按记忆分配): the agent who last served this caller takes the call again."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, PreferredAgent


class Sticky(PreferredAgent):
    """Ring the agent who answered this number last, within the queue's `sticky_days`.

    That agent is rung whatever their penalty.  If they are not free, the caller is
    kept for them while they are busy, up to the queue's `preferred_wait_seconds`
    (0: not at all); otherwise, or for a new caller, the agent free longest takes it.
    """

    name = "sticky"
    title = "Sticky agent"

    def preferred(self, caller: Caller) -> str:
        """Return the agent who served the caller last."""
        return caller.last_agent
