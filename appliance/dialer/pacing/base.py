"""The pacing interface: one module per mode, each a `Pacer` registered by its mode.

Contract: `slots(state, now)` returns one entry per call the campaign may start now
for agents, each the name of the agent it is for or "" for whichever agent of the
queue is ready when it answers.  It must not count trunk channels, windows, DNC or
retries: `selection.next_calls` applies those to every mode alike, and may fill
fewer slots than asked (no due contact, no free channel).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from appliance.dialer.campaign import CampaignState
from appliance.dialer.const import Mode


class Pacer(ABC):
    """Decides how many calls a campaign starts now, and for whom."""

    mode: ClassVar[Mode]

    @abstractmethod
    def slots(self, state: CampaignState, now: float) -> list[str]:
        """Return an agent name (or "" for any) for each call to start now."""
