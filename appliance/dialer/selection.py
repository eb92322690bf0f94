"""Pick the calls a campaign places now: `next_calls(state, now)`, what the engine calls each tick.

The mode's pacer says how many calls (and for which agents); then, for every mode
alike: never more than the free trunk channels, only contacts due now, not done, not
already ringing, inside the calling window on their own clock, and not on a
do-not-call list at this moment.  A callback kept for an agent waits for that agent.
"""

from __future__ import annotations

from collections.abc import Iterator

from appliance.dialer.campaign import CampaignState, Contact, Dial
from appliance.dialer.const import Mode
from appliance.dialer.pacing import pacer_for
from appliance.dialer.windows import contact_zones


def next_calls(state: CampaignState, now: float) -> list[Dial]:
    """Return the dials to place now, each for a distinct due contact."""
    slots = pacer_for(state.campaign.mode).slots(state, now)
    if state.campaign.mode is not Mode.PREVIEW:  # a preview is not a call until the agent dials
        slots = slots[: max(0, state.free_channels)]
    if not slots:
        return []
    open_slots = [agent for agent in slots if agent]  # named agents (preview) first
    anyone = len(slots) - len(open_slots)
    claimed: set[str] = set()
    dials: list[Dial] = []
    for contact in _dialable(state, now):
        agent = _agent_for(contact, state, open_slots, claimed, anyone > 0)
        if agent is None:
            continue
        if agent in open_slots:
            open_slots.remove(agent)
        else:
            anyone -= 1
        claimed.add(agent)
        dials.append(_dial(state, contact, agent))
        if not open_slots and anyone <= 0:
            break
    return dials


def _agent_for(
    contact: Contact, state: CampaignState, named: list[str], claimed: set[str], any_free: bool
) -> str | None:
    """Return the agent a contact's call goes to ("" for any), or None to leave it for now."""
    wanted = contact.callback_agent
    if wanted:
        if wanted in claimed:
            return None
        if named:
            return wanted if wanted in named else None
        return wanted if any_free and wanted in state.ready_agents else None
    if named:
        return named[0]
    return "" if any_free else None


def _dialable(state: CampaignState, now: float) -> Iterator[Contact]:
    """Yield the candidates that may be rung now, in the order given."""
    campaign = state.campaign
    for contact in state.candidates:
        if contact.done or contact.id in state.in_flight_contacts:
            continue
        if contact.next_attempt_at is not None and contact.next_attempt_at > now:
            continue
        zones = contact_zones(contact.timezone, contact.number, campaign.default_zone)
        if not campaign.window.is_open(zones, now):
            continue
        if state.dnc.blocks(campaign.id, contact.number):  # asked now, not at import
            continue
        yield contact


def _dial(state: CampaignState, contact: Contact, agent: str) -> Dial:
    """Return the dial for a contact."""
    campaign = state.campaign
    return Dial(campaign.id, contact.id, contact.number, campaign.caller_id, campaign.mode, agent)
