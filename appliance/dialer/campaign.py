"""What `next_calls` reads and returns: the campaign, its due contacts, its agents, its dials."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from appliance.dialer.const import Mode
from appliance.dialer.dnc import DoNotCall
from appliance.dialer.retry import STANDARD, RetryPolicy
from appliance.dialer.stats import PacingStats
from appliance.dialer.windows import CallingWindow

DEFAULT_DROP_CAP = 0.03  # 3 % of answered calls, over the campaign and per day


@dataclass(frozen=True)
class Campaign:
    """A campaign's settings, as the pacing reads them."""

    id: int
    name: str
    mode: Mode
    window: CallingWindow
    caller_id: str = ""
    queue: str = ""  # the queue whose agents take the calls (not agentless)
    flow: str = ""  # the IVR flow an agentless call plays
    retry: RetryPolicy = STANDARD
    drop_cap: float = DEFAULT_DROP_CAP
    max_channels: int = 0  # the campaign's own ceiling on calls at once; 0: the trunk's
    default_zone: str = "Asia/Shanghai"  # for a number that tells no zone

    def __post_init__(self) -> None:
        """Refuse a drop cap outside 0..30 % and a negative channel ceiling."""
        if not 0 <= self.drop_cap <= 0.3:
            raise ValueError(f"campaign {self.name!r}: drop cap {self.drop_cap} not within 0..0.3")
        if self.max_channels < 0:
            raise ValueError(f"campaign {self.name!r}: negative channel ceiling")


@dataclass(frozen=True)
class Contact:
    """One number of the campaign's list that may be due for a dial."""

    id: int
    number: str  # E.164
    timezone: str = ""  # the contact's own zone; "" derives it from the number
    attempts: int = 0
    next_attempt_at: float | None = None  # None: never dialled, due at once
    done: bool = False  # reached, out of attempts, or closed by a disposition
    callback_agent: str = ""  # a scheduled callback kept for this agent


@dataclass(frozen=True)
class Dial:
    """One call the engine is to place now."""

    campaign_id: int
    contact_id: int
    number: str
    caller_id: str
    mode: Mode
    agent: str = ""  # preview and callbacks: the agent the call belongs to; "": the queue's


@dataclass
class CampaignState:
    """Everything pacing needs at one moment, built by the engine each tick."""

    campaign: Campaign
    candidates: Sequence[Contact]  # due-ordered; the store passes a bounded page
    dnc: DoNotCall
    stats: PacingStats
    ready_agents: tuple[str, ...] = ()  # agents of the queue ready for a campaign call
    busy_agents: int = 0  # on a campaign call or in its wrap-up
    previewing: tuple[str, ...] = ()  # agents holding a preview record not yet dialled
    dials_in_flight: int = 0  # placed, not yet answered or failed
    free_channels: int = 0  # trunk channels free now (the trunk's limit less calls up)
    in_flight_contacts: frozenset[int] = field(default_factory=frozenset)
