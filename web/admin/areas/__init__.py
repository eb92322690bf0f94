"""The admin areas by URL segment: one module per area, each an `Area` subclass."""

from __future__ import annotations

from web.admin.areas.agents import Agents
from web.admin.areas.base import Area
from web.admin.areas.blacklist import Blacklist
from web.admin.areas.hours import Hours
from web.admin.areas.queues import Queues
from web.admin.areas.reasons import Reasons
from web.admin.areas.ring_groups import RingGroups
from web.admin.areas.routes_out import OutboundRoutes
from web.admin.areas.speed_dials import SpeedDials
from web.admin.areas.trunks import Numbers, Trunks
from web.admin.areas.users import Users

AREAS: dict[str, Area] = {
    area.name: area
    for area in (
        Agents(),
        RingGroups(),
        Queues(),
        Trunks(),
        Numbers(),
        Blacklist(),
        SpeedDials(),
        OutboundRoutes(),
        Hours(),
        Reasons(),
        Users(),
    )
}

__all__ = ["AREAS", "Area"]
