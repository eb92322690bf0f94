"""Random (随机振铃): any available agent of the lowest penalty tier, with equal chance."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy, lowest_penalty


class Random(Strategy):
    """Ring one agent picked uniformly at random among the lowest penalty tier."""

    name = "random"
    title = "Random"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return one lowest-penalty agent drawn with self.rng."""
        return [self.rng.choice(lowest_penalty(candidates))]
