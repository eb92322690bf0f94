"""Names shared by the dialer domain and its adapters."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """How a campaign paces its calls."""

    PREVIEW = "preview"  # the agent sees the record first, then dials
    PROGRESSIVE = "progressive"  # one call per ready agent, never more
    PREDICTIVE = "predictive"  # dials ahead from answer rate and AHT, under a drop cap
    AGENTLESS = "agentless"  # the answered call plays an IVR flow (notices, surveys)


class Outcome(StrEnum):
    """How one dial attempt ended."""

    CONNECTED = "connected"  # answered and reached an agent (or the flow, agentless)
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"  # the network refused it: bad number, congestion, trunk down
    MACHINE = "machine"  # an answering machine, when it is detected
    DROPPED = "dropped"  # answered, but no agent was free: counts against the drop cap


class CampaignStatus(StrEnum):
    """Where a campaign is in its life."""

    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    FINISHED = "finished"  # every contact reached or out of attempts


class CallbackOwner(StrEnum):
    """Who takes a scheduled callback."""

    SAME_AGENT = "same_agent"
    ANYONE = "anyone"
