"""Do-not-call: a global list and one per campaign, asked at dial time for each number.

`DoNotCall` is what `next_calls` asks; the engine passes one that reads the store on
every question (appliance/store/campaigns.py), so a number added mid-campaign is never
dialled again, whatever was checked at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class DoNotCall(Protocol):
    """Answers whether a number may not be dialled for a campaign."""

    def blocks(self, campaign_id: int, number: str) -> bool:
        """Return true if the number is on the global list or the campaign's."""
        ...


@dataclass
class DncLists:
    """Do-not-call lists held in memory: the global one and per campaign."""

    global_numbers: set[str] = field(default_factory=set)
    by_campaign: dict[int, set[str]] = field(default_factory=dict)

    def add(self, number: str, campaign_id: int | None = None) -> None:
        """Put a number on the global list (no campaign) or on one campaign's."""
        if campaign_id is None:
            self.global_numbers.add(number)
        else:
            self.by_campaign.setdefault(campaign_id, set()).add(number)

    def blocks(self, campaign_id: int, number: str) -> bool:
        """Return true if the number is on the global list or the campaign's."""
        return number in self.global_numbers or number in self.by_campaign.get(campaign_id, ())
