"""Least talk time (通话时长最短): the agent who has talked least takes the call."""

from __future__ import annotations

from appliance.callflow.strategies.base import Caller, Candidate, Strategy


class LeastTalkTime(Strategy):
    """Ring the agent with the least talk time; lower penalty first.

    Ties go to the agent free longest, then to the first in member order.
    """

    name = "least_talk_time"
    title = "Least talk time"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the lowest-penalty agent with the fewest talk_seconds."""
        return [min(candidates, key=lambda c: (c.penalty, c.talk_seconds, c.idle_since, c.order))]
