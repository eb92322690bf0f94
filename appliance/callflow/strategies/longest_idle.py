"""Longest idle (空闲时间最长): the agent free for the longest time takes the call."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy


class LongestIdle(Strategy):
    """Ring the agent who has been free longest; lower penalty first."""

    name = "longest_idle"
    title = "Longest idle"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the lowest-penalty agent with the oldest idle_since."""
        return [min(candidates, key=lambda c: (c.penalty, c.idle_since, c.order))]
