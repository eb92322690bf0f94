"""Ring all (集体振铃): every available agent rings at once; the first to answer takes it."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy, lowest_penalty


class RingAll(Strategy):
    """Ring every available agent of the lowest penalty tier at once.

    Agents with a higher penalty ring only when no agent with a lower penalty is
    available.
    """

    name = "ring_all"
    title = "Ring all"
    rings_many = True

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return every agent with the lowest penalty, in member order."""
        return lowest_penalty(candidates)
