"""IVR flows: list, publish through the engine, roll back, simulate; each change audited.

Publishing is the engine's `flow.publish`: it checks the graph against the live
queues, prompts and schedules and answers `invalid-flow` with one problem per node
(`details`), or `conflict` when someone published since the editor opened; the
page shows each problem on its node and keeps the edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from peewee import fn

from appliance.callflow.flow.simulate import Trace, simulate
from appliance.engine.control import ControlError, EngineUnavailable
from appliance.engine.hours_store import load_schedules
from appliance.engine.routing_data import load_callers
from appliance.store.models import IvrFlow
from web.admin import audit, usage
from web.admin.services import engine_call
from web.i18n import _

FLOW_NAME_MAX = 64


@dataclass
class FlowSummary:
    """A flow in the list: its live version and the numbers running it."""

    name: str
    active: int | None
    latest: int
    numbers: list[str]


@dataclass
class PublishRefused(Exception):
    """The engine did not publish: its message, and problems by node."""

    message: str
    by_node: dict[str, list[str]] = field(default_factory=dict)


def flows() -> list[FlowSummary]:
    """Return every flow name with its live and latest versions."""
    latest = fn.MAX(IvrFlow.version).alias("latest")
    rows = IvrFlow.select(IvrFlow.name, latest).group_by(IvrFlow.name).order_by(IvrFlow.name)
    found: list[dict[str, Any]] = list(rows.dicts())  # type: ignore[arg-type]
    return [
        FlowSummary(r["name"], active_version(r["name"]), r["latest"], usage.flow_users(r["name"]))
        for r in found
    ]


def active_version(name: str) -> int | None:
    """Return the flow's live version, None if none is."""
    row = IvrFlow.get_or_none(IvrFlow.name == name, IvrFlow.active == True)  # noqa: E712
    return row.version if row else None


def versions(name: str) -> list[IvrFlow]:
    """Return the flow's versions, newest first."""
    return list(IvrFlow.select().where(IvrFlow.name == name).order_by(IvrFlow.version.desc()))


def graph(name: str, version: int | None = None) -> tuple[dict[str, Any], int]:
    """Return a version's graph (the live one, else the latest) and its number; ({}, 0) if none."""
    query = IvrFlow.select().where(IvrFlow.name == name)
    row = (
        query.where(IvrFlow.version == version).first()
        if version
        else query.order_by(IvrFlow.active.desc(), IvrFlow.version.desc()).first()
    )
    return (row.graph, row.version) if row else ({}, 0)


def publish(name: str, new_graph: dict[str, Any], base_version: int | None) -> int:
    """Publish new_graph as the flow's next version; raise PublishRefused saying why."""
    before, _v = graph(name)
    try:
        answer = engine_call("flow.publish", name=name, graph=new_graph, base_version=base_version)
    except EngineUnavailable:
        raise PublishRefused(_("The engine is not running: a flow is checked and published by "
                               "the engine, so start it and publish again.")) from None  # fmt: skip
    except ControlError as exc:
        raise PublishRefused(str(exc), _by_node(exc.details)) from None
    version = int(answer["version"])
    audit.record("ivr", name, "publish", {"graph": before} if before else None,
                 {"version": version, "graph": new_graph})  # fmt: skip
    return version


def rollback(name: str, version: int) -> None:
    """Make an earlier version live again; raise PublishRefused saying why not."""
    was = active_version(name)
    try:
        engine_call("flow.rollback", name=name, version=version)
    except ControlError as exc:
        raise PublishRefused(str(exc), _by_node(exc.details)) from None
    audit.record("ivr", name, "rollback", {"version": was}, {"version": version})


def _by_node(details: Any) -> dict[str, list[str]]:
    """Return the engine's problems grouped by node ("" for the flow as a whole)."""
    found: dict[str, list[str]] = {}
    for problem in details if isinstance(details, list) else []:
        if isinstance(problem, dict):
            found.setdefault(str(problem.get("node") or ""), []).append(str(problem.get("message")))
    return found


def run_simulation(flow_graph: dict[str, Any], caller: str, keys: str, at: str) -> Trace:
    """Walk the graph as a call from caller at `at` (UTC, ISO) pressing keys."""
    moment = datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp() if at else None
    return simulate(flow_graph, caller, moment, keys, load_callers([]), load_schedules())
