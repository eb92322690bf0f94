"""Skills-based (技能路由): the agent most skilled in what the queue requires takes the call."""

from __future__ import annotations

from appliance.callflow.skills import match_score
from appliance.callflow.strategies.base import Caller, Candidate, Strategy


class Skills(Strategy):
    """Ring the agent with the highest levels in the queue's required skills.

    Lower penalty first; among equally skilled agents, the one free longest, then
    the first in member order.  Who may take the call at all (the requirement and
    its widening over time) is the ACD's check, for every strategy; this one only
    orders those who qualify.
    """

    name = "skills"
    title = "Skills-based"

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the lowest-penalty agent with the best score in the required skills."""
        return [
            min(
                candidates,
                key=lambda c: (
                    c.penalty,
                    -match_score(c.skills, caller.skills),
                    c.idle_since,
                    c.order,
                ),
            )
        ]
