"""Read outbound routes, trunks and the extensions' class of service for the engine."""

from __future__ import annotations

import logging
from typing import Any

from appliance.callflow.call_class import DEFAULT_CLASS, CallClass, ClassOfService
from appliance.callflow.dialplan import OutboundRoute, PatternError, parse_pattern
from appliance.callflow.outbound_plan import Caller
from appliance.engine.queue_store import TrunkPeer, trunk_peer
from appliance.store.models import Agent, Trunk
from appliance.store.models import OutboundRoute as RouteRow

log = logging.getLogger(__name__)


def outbound_extras() -> dict[str, Any]:
    """Return the Directory fields calls out need."""
    return {"routes_out": load_routes(), "trunks": load_trunks(), "callers_out": load_callers()}


def load_trunks() -> dict[str, TrunkPeer]:
    """Return the enabled trunks by name."""
    rows = Trunk.select().where(Trunk.enabled == True)  # noqa: E712
    return {t.name: trunk_peer(t) for t in rows}


def load_routes() -> list[OutboundRoute]:
    """Return the enabled routes in order; one whose patterns no longer parse is left out."""
    routes = []
    rows = RouteRow.select().where(RouteRow.enabled == True)  # noqa: E712
    for row in rows.order_by(RouteRow.position, RouteRow.id):
        try:
            patterns = tuple(parse_pattern(p) for p in row.patterns)
        except PatternError as exc:  # saved by hand past the web's check
            log.error("outbound route %r left out: %s", row.name, exc)
            continue
        trunks = tuple(str(t) for t in row.trunks)
        routes.append(
            OutboundRoute(row.name, patterns, trunks, row.prepend, row.caller_id, row.position)
        )
    return routes


def load_callers() -> dict[str, Caller]:
    """Return each extension's class of service and own caller ID."""
    return {a.extension: caller(a) for a in Agent.select()}


def caller(agent: Agent) -> Caller:
    """Return an agent row's Caller (an unknown class falls back to the default)."""
    try:
        widest = CallClass.named(agent.call_class)
    except ValueError:
        log.error("extension %s: unknown call class %r", agent.extension, agent.call_class)
        widest = DEFAULT_CLASS
    service = ClassOfService(widest, agent.call_hours, agent.max_call_seconds)
    return Caller(agent.extension, service, agent.caller_id, agent.record_calls_out)
