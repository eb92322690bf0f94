"""Preview: each ready agent without a record in hand is offered the next one to dial."""

from __future__ import annotations

from appliance.dialer.campaign import CampaignState
from appliance.dialer.const import Mode
from appliance.dialer.pacing.base import Pacer


class PreviewPacer(Pacer):
    """One record per ready agent who holds none; the agent dials it."""

    mode = Mode.PREVIEW

    def slots(self, state: CampaignState, now: float) -> list[str]:
        """Return every ready agent not already previewing a record."""
        return [agent for agent in state.ready_agents if agent not in state.previewing]
