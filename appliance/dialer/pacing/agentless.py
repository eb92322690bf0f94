"""Agentless: the answered call plays an IVR flow, so calls run as channels allow."""

from __future__ import annotations

from appliance.dialer.campaign import CampaignState
from appliance.dialer.const import Mode
from appliance.dialer.pacing.base import Pacer

UNBOUNDED = 1_000_000  # no campaign ceiling: the free trunk channels bound it in selection


class AgentlessPacer(Pacer):
    """One call per free channel, within the campaign's own ceiling if it has one."""

    mode = Mode.AGENTLESS

    def slots(self, state: CampaignState, now: float) -> list[str]:
        """Return a slot per channel the campaign may still use (busy_agents: calls in a flow)."""
        ceiling = state.campaign.max_channels or UNBOUNDED
        room = ceiling - state.dials_in_flight - state.busy_agents
        return [""] * max(0, min(room, state.free_channels))
