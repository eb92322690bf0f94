"""How the engine's `calls` and `agents` answers are shown on the live page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from web.i18n import lazy_gettext as _l

Board = dict[str, list[dict[str, Any]]]

AGENT_STATES = {
    "logged_out": _l("Logged out"),
    "ready": _l("Ready"),
    "not_ready": _l("Not ready"),
    "ringing": _l("Ringing"),
    "on_call": _l("On call"),
    "wrap_up": _l("Wrap-up"),
}
CALL_STATES = {
    "ivr": _l("In IVR"),
    "queued": _l("Queued"),
    "ringing": _l("Ringing"),
    "talking": _l("Talking"),
    "intro": _l("Hearing intro"),
}


def epoch(value: Any) -> float | None:
    """Return UNIX seconds from a number or an ISO 8601 text, or None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    return None


def zone(name: str) -> ZoneInfo:
    """Return the box's time zone, UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def clock(seconds: float | None, tz: ZoneInfo) -> str:
    """Return the wall-clock time of seconds in tz (HH:MM:SS), or an empty text."""
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, tz).strftime("%H:%M:%S")


def call_row(call: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """Return one live call ready for the template."""
    since = epoch(call.get("started_at"))
    state = str(call.get("state") or "")
    return {
        "call_id": call.get("call_id", ""),
        "from": call.get("from") or "",
        "to": call.get("to") or "",
        "state": state,
        "state_label": CALL_STATES.get(state, state),
        "queue": call.get("queue") or "",
        "agent": call.get("agent") or "",
        "since": since,
        "since_clock": clock(since, tz),
    }


def agent_row(agent: dict[str, Any]) -> dict[str, Any]:
    """Return one agent ready for the template."""
    state = str(agent.get("state") or "")
    return {
        "extension": agent.get("extension", ""),
        "name": agent.get("name") or "",
        "registered": bool(agent.get("registered")),
        "contact": agent.get("contact") or "",
        "state": state,
        "state_label": AGENT_STATES.get(state, state),
        "queues": [str(q) for q in agent.get("queues") or []],
    }


def present(board: Board, timezone: str) -> dict[str, list[dict[str, Any]]]:
    """Return the board's rows for display: calls oldest first, agents by extension."""
    tz = zone(timezone)
    calls = [call_row(c, tz) for c in board.get("calls", [])]
    calls.sort(key=lambda row: row["since"] or 0.0)
    agents = sorted((agent_row(a) for a in board.get("agents", [])), key=_extension_key)
    return {"calls": calls, "agents": agents}


def _extension_key(row: dict[str, Any]) -> tuple[int, str]:
    """Sort extensions numerically when they are numbers."""
    extension = str(row["extension"])
    return (int(extension) if extension.isdigit() else 1 << 62, extension)
