"""Fewest calls (接听最少): the agent who has answered the fewest calls takes the call."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy


class FewestCalls(Strategy):
    """Ring the agent with the fewest calls taken; lower penalty first.

    Ties go to the agent free longest, then to the first in member order.
    """

    name = "fewest_calls"
    title = "Fewest calls"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the lowest-penalty agent with the fewest calls_taken."""
        return [min(candidates, key=lambda c: (c.penalty, c.calls_taken, c.idle_since, c.order))]
