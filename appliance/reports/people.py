"""The figures about people and paths over a report's range: agents' time, first-call
resolution, the IVR funnel and customer satisfaction — read from the store, computed by
the pure metrics modules (`callflow/agent_metrics`, `fcr`, `ivr_funnel`, `csat`).

These come from events, not rollups, so a range is at most MAX_DAYS long here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from appliance.callflow.agent_metrics import AgentFigures, agent_figures
from appliance.callflow.csat import Csat, csat_by
from appliance.callflow.fcr import (
    DEFAULT_WINDOW_SECONDS,
    FirstCallResolution,
    first_call_resolution,
)
from appliance.callflow.ivr_funnel import FlowFunnel, ivr_funnel
from appliance.reports.queries import ReportFilter
from appliance.store.models import Agent, CallEvent, Cdr

MAX_DAYS = 31
AGENT_KINDS = ("agent.state", "agent.answered", "call.held", "call.resumed", "transfer.started")
IVR_KINDS = ("ivr.entered", "ivr.prompt", "dtmf", "ivr.transfer", "queue.joined",
             "agent.answered", "call.ended")  # fmt: skip


@dataclass(frozen=True)
class PeopleFigures:
    """Everything the page shows for one range."""

    agents: list[tuple[str, str, AgentFigures]]  # extension, name, figures
    fcr: FirstCallResolution
    funnels: dict[tuple[str, int], FlowFunnel]
    csat: dict[str, dict[str, Csat]]  # "agent" | "queue" | "day" -> key -> figures


def too_long(report: ReportFilter) -> bool:
    """Return true if the range is longer than these event-based figures are read for."""
    return report.end - report.start > MAX_DAYS * 86400 + 3600  # an hour for clock changes


def people_figures(report: ReportFilter, timezone: str, now: float | None = None) -> PeopleFigures:
    """Return the figures of the range (queue and agent filters apply where they mean something)."""
    now = time.time() if now is None else now
    return PeopleFigures(
        agents=agent_rows(report),
        fcr=fcr_of(report, now),
        funnels=ivr_funnel(_events(report, IVR_KINDS)),
        csat={g: csat_by(_answers(report), g, timezone) for g in ("agent", "queue", "day")},
    )


def _events(
    report: ReportFilter, kinds: tuple[str, ...], since: float | None = None
) -> list[dict[str, Any]]:
    """Return the events of kinds in the range (from since when given), oldest first."""
    start = report.start if since is None else since
    query = CallEvent.select().where(
        (CallEvent.at >= start) & (CallEvent.at < report.end) & CallEvent.kind.in_(kinds)
    )
    return [
        {"call_id": e.call_id, "at": e.at, "kind": e.kind, "leg": e.leg, "data": e.data or {}}
        for e in query.order_by(CallEvent.at, CallEvent.id)
    ]


def agent_rows(report: ReportFilter) -> list[tuple[str, str, AgentFigures]]:
    """Return each agent's figures (one agent when the filter names one), by extension."""
    agents = Agent.select().order_by(Agent.extension)
    if report.agent:
        agents = agents.where(Agent.extension == report.agent)
    starts = {a.extension: _last_state_at(a.extension, report.start) for a in agents}
    events = _events(report, AGENT_KINDS, min(starts.values(), default=report.start))
    rows = []
    for agent in agents:
        mine = [e for e in events if e["at"] >= starts[agent.extension]]
        mine = [e for e in mine if _about(e, agent.extension)]
        figures = agent_figures(agent.extension, mine, report.start, report.end)
        rows.append((agent.extension, agent.name, figures))
    return rows


def _last_state_at(extension: str, start: float) -> float:
    """Return when the agent's state last changed before start (start if never)."""
    last = (
        CallEvent.select(CallEvent.at)
        .where(CallEvent.kind == "agent.state")
        .where((CallEvent.leg == extension) & (CallEvent.at < start))
        .order_by(CallEvent.at.desc())
        .first()
    )
    return float(last.at) if last is not None else start


def _about(event: dict[str, Any], extension: str) -> bool:
    """Return true if an event concerns the agent (their state, or a call they took part in)."""
    data = event["data"]
    return event["leg"] == extension or extension in (data.get("agent"), data.get("by"))


def fcr_of(report: ReportFilter, now: float) -> FirstCallResolution:
    """Return the first-call resolution of the range's answered calls (a week's window)."""
    window = DEFAULT_WINDOW_SECONDS
    query = Cdr.select().where(
        (Cdr.started_at >= report.start) & (Cdr.started_at < report.end + window)
    )
    if report.queue:
        query = query.where(Cdr.queue == report.queue)
    rows: list[dict[str, Any]] = list(query.dicts())  # type: ignore[arg-type]
    return first_call_resolution(rows, report.start, report.end, now, window)


def _answers(report: ReportFilter) -> list[dict[str, Any]]:
    """Return the range's survey answers (survey.answered events)."""
    answers = [{**e["data"], "at": e["at"]} for e in _events(report, ("survey.answered",))]
    if report.queue:
        answers = [a for a in answers if a.get("queue") == report.queue]
    return answers
