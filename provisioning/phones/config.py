"""Read one phone's settings from the store: its agent, the box's SIP address, colleagues.

Colleagues (the BLF keys) are the agents sharing a queue with the phone's agent, by
extension; an agent in no queue gets every other agent.  Time zone and language are
the box's (`timezone`, `language` settings).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.config import Settings
from appliance.store.models import Agent, QueueMember
from provisioning.phones import candidates
from provisioning.phones.base import BlfKey, PhoneConfig


def phone_config(agent: Agent, settings: Settings, now: datetime | None = None) -> PhoneConfig:
    """Return the settings of agent's phone."""
    language = "zh" if settings.language.lower().startswith("zh") else "en"
    return PhoneConfig(
        mac=agent.phone_mac,
        extension=agent.extension,
        display_name=agent.name,
        sip_password=agent.sip_password,
        server=settings.provisioning.phone_server or settings.sip.domain,
        port=settings.sip.port,
        timezone=settings.timezone,
        utc_offset_minutes=utc_offset_minutes(settings.timezone, now),
        language=language,
        blf=colleagues(agent),
        model=agent.phone_model,
    )


def utc_offset_minutes(zone: str, now: datetime | None = None) -> int:
    """Return the zone's offset from UTC now, in minutes (0 for an unknown zone)."""
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    offset = (now or datetime.now(UTC)).astimezone(info).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def colleagues(agent: Agent) -> list[BlfKey]:
    """Return the BLF keys of agent's phone: queue mates, or everyone when in no queue."""
    queues = QueueMember.select(QueueMember.queue).where(QueueMember.agent == agent)
    mates = (
        Agent.select()
        .join(QueueMember)
        .where(QueueMember.queue.in_(queues) & (Agent.id != agent.id))
        .distinct()
    )
    chosen = list(mates) or list(Agent.select().where(Agent.id != agent.id))
    return [BlfKey(a.extension, a.name) for a in sorted(chosen, key=lambda a: a.extension)]


def find_phone(filename: str) -> tuple[Agent, str] | None:
    """Return the agent whose phone asks for filename and its vendor key; None if no one's."""
    for vendor, mac in candidates(filename):
        agent = Agent.get_or_none((Agent.phone_mac == mac) & (Agent.phone_vendor == vendor.key))
        if agent is not None:
            return agent, vendor.key
    return None
