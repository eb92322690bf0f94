"""Store reads and writes for IVR flow versions (off the engine thread, like `load_directory`).

Each publish adds a version; exactly one version per flow name is active, and the
engine's routes carry the active one's graph.
"""

from __future__ import annotations

from typing import Any

from peewee import fn

from appliance.callflow.flow.validate import Known
from appliance.store.database import db
from appliance.store.models import Agent, BusinessHours, IvrFlow, Queue

IVR_PREFIX = "ivr:"


def flow_versions(name: str) -> list[dict[str, Any]]:
    """Return every version of a flow, oldest first."""
    query = IvrFlow.select().where(IvrFlow.name == name).order_by(IvrFlow.version)
    return [
        {"version": f.version, "active": f.active, "created_at": str(f.created_at)} for f in query
    ]


def flow_graph(name: str, version: int) -> dict[str, Any] | None:
    """Return one version's graph, or None if there is no such version."""
    row = IvrFlow.get_or_none(IvrFlow.name == name, IvrFlow.version == version)
    return dict(row.graph) if row else None


def publish_flow(name: str, graph: dict[str, Any]) -> int:
    """Store graph as the flow's next version, the only active one; return its number."""
    with db.atomic():
        version = latest_version(name) + 1
        IvrFlow.update(active=False).where(IvrFlow.name == name).execute()
        IvrFlow.create(name=name, version=version, graph=graph, active=True)
    return version


def active_version(name: str) -> int | None:
    """Return the flow's active version, or None when none is (or no such flow)."""
    row = IvrFlow.get_or_none(IvrFlow.name == name, IvrFlow.active == True)  # noqa: E712
    return int(row.version) if row else None


def latest_version(name: str) -> int:
    """Return the flow's newest version number (0: no such flow)."""
    return int(IvrFlow.select(fn.MAX(IvrFlow.version)).where(IvrFlow.name == name).scalar() or 0)


def withdraw(name: str, version: int, previous: int | None) -> None:
    """Undo a publish the engine refused: drop the version, make previous active again."""
    with db.atomic():
        IvrFlow.delete().where(IvrFlow.name == name, IvrFlow.version == version).execute()
        if previous is not None:
            activate_version(name, previous)


def activate_version(name: str, version: int) -> None:
    """Make one stored version the flow's only active one."""
    with db.atomic():
        IvrFlow.update(active=False).where(IvrFlow.name == name).execute()
        query = IvrFlow.update(active=True)
        query.where(IvrFlow.name == name, IvrFlow.version == version).execute()


def queue_names() -> set[str]:
    """Return the names of the queues in the store."""
    return {q.name for q in Queue.select(Queue.name)}


def known_names() -> Known:
    """Return the schedules and extensions in the store, which flows may name."""
    schedules = {s.name for s in BusinessHours.select(BusinessHours.name)}
    return Known(schedules, {a.extension for a in Agent.select(Agent.extension)})


def overflow_entries() -> set[str]:
    """Return the flow nodes queues send callers back to (``ivr:<node>`` targets)."""
    targets = [t for q in Queue.select() for t in (q.overflow, q.exit_target)]
    return {t[len(IVR_PREFIX) :] for t in targets if t and t.startswith(IVR_PREFIX)}
