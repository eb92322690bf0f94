"""Progressive: one call per ready agent, never more, counting the calls still ringing."""

from __future__ import annotations

from appliance.dialer.campaign import CampaignState
from appliance.dialer.const import Mode
from appliance.dialer.pacing.base import Pacer


def progressive_count(state: CampaignState) -> int:
    """Return the ready agents not yet promised to a call in flight."""
    return max(0, len(state.ready_agents) - state.dials_in_flight)


class ProgressivePacer(Pacer):
    """Dial only for agents already ready: an answered call always finds one."""

    mode = Mode.PROGRESSIVE

    def slots(self, state: CampaignState, now: float) -> list[str]:
        """Return one slot per ready agent without a call in flight."""
        return [""] * progressive_count(state)
