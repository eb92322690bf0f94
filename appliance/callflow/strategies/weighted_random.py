"""Weighted random (加权随机): any available agent, lower penalty more likely."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy


def weight(penalty: int) -> float:
    """Return an agent's weight: 1 / (1 + penalty), a negative penalty counting as 0."""
    return 1.0 / (1 + max(0, penalty))


class WeightedRandom(Strategy):
    """Ring one agent drawn at random from all candidates, weighted by penalty.

    Every available agent may be picked, whatever the penalty; an agent's chance is
    proportional to ``1 / (1 + penalty)``: penalty 0 weighs 1, penalty 1 weighs 1/2,
    penalty 2 weighs 1/3, so a penalty-0 agent rings twice as often as a penalty-1 one.
    """

    name = "weighted_random"
    title = "Weighted random"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return one agent drawn with self.rng, weighted by 1 / (1 + penalty)."""
        return self.rng.choices(candidates, weights=[weight(c.penalty) for c in candidates])
