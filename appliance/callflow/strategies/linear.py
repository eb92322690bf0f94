"""Linear (顺序振铃): always the first available agent in the queue's member list."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy


class Linear(Strategy):
    """Ring agents top-down by member order; lower penalty first."""

    name = "linear"
    title = "Linear (top-down)"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the lowest-penalty agent that comes first in member order."""
        return [min(candidates, key=lambda c: (c.penalty, c.order))]
