"""The wallboard's board: the engine's live view joined with today's counts from the store.

Live numbers (waiting callers, agents' states) come from the engine's `calls`,
`agents` and `queues` commands; when a caller joined and since when an agent is in
their state come from the call events; today's answered, abandoned and service level
from the CDRs (appliance/callflow/metrics.py).  The stream sends a fresh board after
every burst of engine events, so a caller who joins shows within a second.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from peewee import fn

from appliance.callflow import metrics
from appliance.engine.control import ControlClient, ControlError
from appliance.store.models import Agent, Broadcast, CallEvent, Cdr, Queue, ReasonCode
from web.live.services import LiveStream, sse
from web.operations import services as operations
from web.wallboard import schemas

AGENT_EVENTS = ("agent.state", "agent.registered", "agent.unregistered")
SINCE_WINDOW_SECONDS = 7 * 86400  # agent states older than this show no "since"
RECENT_BROADCASTS = 5


def engine_view(socket_path: str, timeout: float = 2.0) -> dict[str, list[Any]] | None:
    """Return the engine's calls, agents and queues, or None when it is not running."""
    client = ControlClient(socket_path, timeout=timeout)
    view: dict[str, list[Any]] = {}
    try:
        for cmd in ("calls", "agents", "queues"):
            view[cmd] = list((client.call(cmd) or {}).get(cmd, []))
    except (ControlError, OSError, ValueError):
        return None
    return view


def box_zone(name: str) -> str:
    """Return name if it is a known time zone, else UTC."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def build_board(view: dict[str, list[Any]], timezone: str, now: float) -> dict[str, Any]:
    """Return the wallboard for the engine's view at now (reads the store)."""
    since = agent_since([str(a.get("extension")) for a in view["agents"]], now)
    titles = reason_titles()
    agents = [
        schemas.agent_row(a, since.get(str(a.get("extension"))), titles) for a in view["agents"]
    ]
    queues = queue_rows(view, timezone, now)
    calls = [c for c in view["calls"] if c.get("state") in ("talking", "intro")]
    return {
        "queues": queues,
        "agents": agents,
        "calls": calls,
        "charts": schemas.charts(queues, agents),
    }


def queue_rows(view: dict[str, list[Any]], timezone: str, now: float) -> list[dict[str, Any]]:
    """Return a row per queue: those set up in the store, then any other the engine holds."""
    configured = {q.name: q for q in Queue.select().order_by(Queue.name)}
    waiting = {q["name"]: list(q.get("waiting") or []) for q in view["queues"]}
    names = list(configured) + sorted(set(waiting) - set(configured))
    thresholds = {n: _threshold(configured.get(n)) for n in names}
    days = metrics.queues_day(today_cdrs(now, timezone), thresholds)
    joined = _waiting_since(view, [c for ids in waiting.values() for c in ids])
    return [
        schemas.queue_row(
            name,
            configured[name].title if name in configured else "",
            days[name],
            thresholds[name],
            len(waiting.get(name, [])),
            [joined[c] for c in waiting.get(name, []) if c in joined],
            [a for a in view["agents"] if name in (a.get("queues") or [])],
        )
        for name in names
    ]


def _threshold(queue: Queue | None) -> int:
    """Return a queue's service-level threshold in seconds."""
    return int(queue.service_level_seconds) if queue else metrics.DEFAULT_THRESHOLD_SECONDS


def today_cdrs(now: float, timezone: str) -> list[dict[str, Any]]:
    """Return the CDR rows of calls that started today in timezone."""
    start, end = metrics.day_bounds(now, timezone)
    fields = (Cdr.queue, Cdr.outcome, Cdr.wait_seconds, Cdr.started_at)
    query = Cdr.select(*fields).where(Cdr.started_at >= start, Cdr.started_at < end)
    return [
        {
            "queue": c.queue,
            "outcome": c.outcome,
            "wait_seconds": c.wait_seconds,
            "started_at": c.started_at,
        }
        for c in query
    ]


def _waiting_since(view: dict[str, list[Any]], call_ids: list[str]) -> dict[str, float]:
    """Return when each waiting caller joined their queue (their call's start if unknown yet)."""
    started = {c["call_id"]: float(c.get("started_at") or 0) for c in view["calls"]}
    joined = {c: started[c] for c in call_ids if started.get(c)}
    if call_ids:
        query = (
            CallEvent.select(CallEvent.call_id, fn.MAX(CallEvent.at).alias("at"))
            .where(CallEvent.call_id.in_(call_ids), CallEvent.kind == "queue.joined")
            .group_by(CallEvent.call_id)
        )
        joined.update({row.call_id: float(row.at) for row in query})
    return joined


def agent_since(extensions: Iterable[str], now: float) -> dict[str, float]:
    """Return when each agent's latest state change happened (within the last week)."""
    query = (
        CallEvent.select(CallEvent.leg, fn.MAX(CallEvent.at).alias("at"))
        .where(
            CallEvent.call_id == "",
            CallEvent.kind.in_(AGENT_EVENTS),
            CallEvent.leg.in_(list(extensions)),
            CallEvent.at >= now - SINCE_WINDOW_SECONDS,
        )
        .group_by(CallEvent.leg)
    )
    return {row.leg: float(row.at) for row in query}


def recent_broadcasts(limit: int = RECENT_BROADCASTS) -> list[dict[str, Any]]:
    """Return the latest broadcasts, newest first, as the SSE `broadcast` event carries them."""
    rows = Broadcast.select().order_by(Broadcast.created_at.desc()).limit(limit)
    return [{"id": b.id, "text": b.text, "from": b.sender, "at": b.created_at} for b in rows]


def reason_titles() -> dict[str, str]:
    """Return each reason code's title in the page's language (codes stay as they are)."""
    chinese = str(get_locale() or "").startswith("zh")
    return {r.code: (r.title_zh if chinese and r.title_zh else r.title) for r in ReasonCode}


def reason_codes() -> list[ReasonCode]:
    """Return the enabled not-ready reasons a supervisor may choose from."""
    return list(ReasonCode.select().where(ReasonCode.enabled == True).order_by(ReasonCode.code))  # noqa: E712


def agent_choices() -> list[Agent]:
    """Return the agents a supervisor may set the state of, by extension."""
    return list(Agent.select().order_by(Agent.extension))


def send_broadcast(socket_path: str, text: str, sender: str) -> bool:
    """Store a broadcast, then have the engine relay it; return false if it could not."""
    row = Broadcast.create(text=text, sender=sender, created_at=time.time())
    client = ControlClient(socket_path, timeout=5)
    try:
        client.call("broadcast", text=text, sender=sender, broadcast_id=row.id)
    except (ControlError, OSError, ValueError):
        return False  # kept: pages show it on their next load
    return True


def set_agent_state(extension: str, change: schemas.StateChange) -> Any:
    """Ask the engine to set an agent's state (WebError with the engine's reason if refused)."""
    return operations.run(
        "agent.state", extension=extension, state=change.state, reason=change.reason
    )


class WallboardStream(LiveStream):
    """The body of /wallboard/events: /live/events' relay with the wallboard as its snapshot."""

    def __init__(self, build: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.build = build

    def _snapshot(self) -> str | None:
        """Return the `snapshot` event, or None when the engine does not answer."""
        board = self.build()
        if board is None:
            return None
        return sse({"engine": "running", **board, "html": self.render(board)}, "snapshot")
