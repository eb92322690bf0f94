"""Builders shared by the dialer tests: an always-open or office window, a campaign, a state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from appliance.dialer.campaign import Campaign, CampaignState, Contact
from appliance.dialer.const import Mode
from appliance.dialer.dnc import DncLists
from appliance.dialer.stats import PacingStats
from appliance.dialer.windows import CallingWindow, parse_window

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS = parse_window({day: ["00:00-24:00"] for day in DAYS})
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str, zone: str = "Asia/Shanghai") -> float:
    """Return the UNIX time of "YYYY-MM-DD HH:MM" on a zone's clock."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()


def campaign(mode: Mode, window: CallingWindow = ALWAYS, **options: object) -> Campaign:
    """Return a campaign with id 1."""
    return Campaign(1, "test", mode, window, caller_id="+862161234567", **options)  # type: ignore[arg-type]


def contacts(count: int, start: int = 1) -> list[Contact]:
    """Return fresh contacts with Chinese mobile numbers."""
    return [Contact(i, f"+86138{i:08d}") for i in range(start, start + count)]


def state(
    mode: Mode,
    candidates: Sequence[Contact],
    ready: int = 0,
    window: CallingWindow = ALWAYS,
    dnc: DncLists | None = None,
    **counts: object,
) -> CampaignState:
    """Return a campaign state with `ready` agents named agent0…"""
    agents = tuple(f"agent{n}" for n in range(ready))
    counts.setdefault("free_channels", 100)
    return CampaignState(
        campaign(mode, window), candidates, dnc or DncLists(), PacingStats(),
        ready_agents=agents, **counts,  # type: ignore[arg-type]
    )  # fmt: skip
