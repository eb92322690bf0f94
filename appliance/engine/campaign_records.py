"""What the dialer thread and the engine thread hand each other about campaign calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from appliance.dialer.campaign import Dial
from appliance.dialer.const import Outcome

BUSY_CODES = (486, 600)
NO_ANSWER_CODES = (408, 480, 487)  # 487: the engine gave up ringing


def outcome_of(code: int) -> Outcome:
    """Return the outcome of a dial that ended before answer with a SIP code."""
    if code in BUSY_CODES:
        return Outcome.BUSY
    if code in NO_ANSWER_CODES:
        return Outcome.NO_ANSWER
    return Outcome.FAILED


@dataclass
class Placed:
    """What a dial needs besides the `Dial`: its attempt, its agents, its flow, its queue."""

    attempt: int
    call_id: str
    agents: tuple[str, ...] = ()  # who may take it ("" slot: any of these)
    queue: str = ""
    flow: str = ""
    language: str = "en"
    amd: bool = False  # listen for an answering machine before the agent or flow


@dataclass
class CampaignCall:
    """A campaign call in progress."""

    dial: Dial
    placed: Placed
    started_at: float
    answered_at: float | None = None
    connected_at: float | None = None  # an agent answered (or the flow started)
    agent: str = ""
    outcome: Outcome | None = None
    announced: bool = False  # campaign.connected was published
    preview: bool = False  # dialled from the agent's phone (click-to-dial)
    screening: bool = False  # answered, AMD listening: no agent or flow yet
    listener: Any = None  # the AmdListener while it listens
    offered_at: float | None = None  # when agents were first sought (after AMD, if on)


@dataclass(frozen=True)
class Ended:
    """How a campaign call ended, for the dialer thread to write."""

    campaign_id: int
    contact_id: int
    attempt: int
    call_id: str
    outcome: Outcome
    ended_at: float
    seconds_to_answer: float = 0.0
    handled_seconds: float | None = None  # an agent's talk time, when one took it
    agent: str = ""


@dataclass
class Live:
    """A campaign's live figures, read on the engine thread for one tick."""

    ready_agents: tuple[str, ...] = ()
    busy_agents: int = 0  # answered calls: with an agent, being given one, or in a flow
    in_flight: int = 0  # placed, not yet answered
    contacts: frozenset[int] = field(default_factory=frozenset)  # contacts with a call now
    free_channels: int = 0
    calls: int = 0  # every call of the campaign now
