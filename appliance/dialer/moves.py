"""Which status a campaign may be moved to from which: one rule for the CLI and the engine."""

from __future__ import annotations

from appliance.dialer.const import CampaignStatus

MOVES: dict[CampaignStatus, set[CampaignStatus]] = {  # status -> the statuses it may come from
    CampaignStatus.RUNNING: {CampaignStatus.DRAFT, CampaignStatus.PAUSED},
    CampaignStatus.PAUSED: {CampaignStatus.RUNNING},
    CampaignStatus.STOPPED: {CampaignStatus.DRAFT, CampaignStatus.RUNNING, CampaignStatus.PAUSED},
}


def check_move(name: str, current: str, wanted: CampaignStatus) -> None:
    """Raise ValueError, saying why, unless a campaign that is `current` may become `wanted`."""
    if CampaignStatus(current) not in MOVES.get(wanted, set()):
        raise ValueError(f"campaign {name!r} is {current}; it cannot be made {wanted}")
