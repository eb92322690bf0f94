"""Round robin with memory (循环振铃): the agent after the one who answered last."""

from __future__ import annotations

import random

from appliance.callflow.strategies.base import Caller, Candidate, Strategy, lowest_penalty


class RoundRobin(Strategy):
    """Ring the next agent in member order after the one who last answered, wrapping.

    Only the lowest penalty tier is considered.  The first call starts at the top of
    the member list.  The memory is the extension that last answered; its place in
    the member list is the one it had when it was last offered (an extension never
    offered counts as before the top).
    """

    name = "round_robin"
    title = "Round robin with memory"

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__(rng)
        self.last = ""  # the extension that answered last ("" before the first answer)
        self._orders: dict[str, int] = {}  # extension -> member order when last offered

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the first lowest-penalty agent after the last answerer, wrapping."""
        self._orders.update((c.extension, c.order) for c in candidates)
        after = self._orders.get(self.last, -1)
        tier = sorted(lowest_penalty(candidates), key=lambda c: c.order)
        return [next((c for c in tier if c.order > after), tier[0])]

    def answered(self, extension: str) -> None:
        """Remember extension as the last agent who took a call."""
        self.last = extension
