"""Sticky agent (按记忆分配): the agent who last served this caller takes the call again."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy, longest_idle


class Sticky(Strategy):
    """Ring the agent who answered this number last, within the queue's `sticky_days`.

    That agent is rung whatever their penalty.  If they are not free, the caller is
    kept for them while they are busy, up to the queue's `preferred_wait_seconds`
    (0: not at all); otherwise, or for a new caller, the agent free longest takes it.
    """

    name = "sticky"
    title = "Sticky agent"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the caller's last agent if free, else the longest-idle agent."""
        last = [c for c in candidates if caller.last_agent and c.extension == caller.last_agent]
        return last or [longest_idle(candidates)]

    def preferred(self, caller: Caller) -> str:
        """Return the agent who served the caller last."""
        return caller.last_agent
