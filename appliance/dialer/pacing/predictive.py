"""Predictive: dial ahead of free agents from the measured answer rate and AHT, under a cap.

Agents expected free when the next calls answer, A, are the ready ones plus the busy
ones likely to finish within the mean time to answer r (handling times taken as
exponential with mean AHT h): A = ready + busy·(1 − e^(−r/h)).  With answer rate p,
the calls in flight and the new ones, T in all, answer as X ~ Binomial(T, p); the
pacer takes the largest T whose expected share of answers finding no agent,
E[max(0, X − A)] / E[X], is at most gain × cap.  The gain is adapted every interval
from the drop rate measured in it (stats.py).  The cap is hard: while one more drop
would take the campaign's or today's drop rate over it, the pacer dials
progressively (one call per ready agent), which drops nothing.
"""

from __future__ import annotations

import math

from appliance.dialer.campaign import CampaignState
from appliance.dialer.const import Mode
from appliance.dialer.pacing.base import Pacer
from appliance.dialer.pacing.progressive import progressive_count

MAX_AHEAD = 200  # a bound on the calls in flight the search considers


def expected_overflow_share(total: int, p: float, free: float) -> float:
    """Return E[max(0, X − free)] / E[X] for X ~ Binomial(total, p)."""
    if total <= 0 or p <= 0:
        return 0.0
    pmf, overflow = (1 - p) ** total, 0.0
    for answered in range(total + 1):
        if answered > free:
            overflow += (answered - free) * pmf
        if answered < total:
            pmf *= (total - answered) / (answered + 1) * p / (1 - p) if p < 1 else 0.0
    return overflow / (total * p)


def agents_expected_free(state: CampaignState) -> float:
    """Return the ready agents plus the busy ones likely free by the time calls answer."""
    stats = state.stats
    finishing = 1 - math.exp(-stats.time_to_answer() / stats.aht())
    return len(state.ready_agents) + state.busy_agents * finishing


def predictive_total(state: CampaignState, target: float) -> int:
    """Return the most calls in flight whose expected drop share stays within target."""
    p, free = state.stats.answer_rate(), agents_expected_free(state)
    total = state.dials_in_flight
    while total < MAX_AHEAD and expected_overflow_share(total + 1, p, free) <= target:
        total += 1
    return total


class PredictivePacer(Pacer):
    """Dial ahead while the drop rate has room; progressive when it has none."""

    mode = Mode.PREDICTIVE

    def slots(self, state: CampaignState, now: float) -> list[str]:
        """Return the new calls the model allows, never fewer than progressive would."""
        cap, stats = state.campaign.drop_cap, state.stats
        floor = progressive_count(state)
        if not stats.has_room(now, cap):
            return [""] * floor
        stats.adapt(now, cap)
        ahead = predictive_total(state, stats.gain * cap) - state.dials_in_flight
        return [""] * max(floor, ahead)
