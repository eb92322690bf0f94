"""The wallboard's shapes: what a supervisor may submit, and how the board is shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from appliance.callflow.metrics import QueueDay
from web.exceptions import BadRequest
from web.i18n import _
from web.i18n import lazy_gettext as _l

MAX_BROADCAST = 280  # characters: a line on a busy agent's screen, not a letter
MAX_REASON = 64  # as the engine's agent.state takes it
SETTABLE_STATES = {
    "ready": _l("Ready"),
    "not_ready": _l("Not ready"),
    "dnd": _l("Do not disturb"),
    "logged_out": _l("Logged out"),
}
# How the wallboard counts agents: the engine's state, and an unregistered phone as logged out.
BUCKETS = {
    "ready": _l("Ready"),
    "not_ready": _l("Not ready"),
    "talking": _l("Talking"),
    "ringing": _l("Ringing"),
    "wrap_up": _l("Wrap-up"),
    "logged_out": _l("Logged out"),
}
ENGINE_TO_BUCKET = {
    "ready": "ready",
    "not_ready": "not_ready",
    "dnd": "not_ready",
    "on_call": "talking",
    "ringing": "ringing",
    "wrap_up": "wrap_up",
    "logged_out": "logged_out",
}


@dataclass(frozen=True)
class StateChange:
    """A supervisor's request to set an agent's state."""

    state: str
    reason: str


def state_change(form: Mapping[str, Any]) -> StateChange:
    """Return the validated state change of a submitted form (BadRequest if invalid)."""
    state = str(form.get("state") or "").strip()
    reason = str(form.get("reason") or "").strip()
    if state not in SETTABLE_STATES:
        raise BadRequest(_("Choose a state: ready, not ready, do not disturb or logged out."))
    if len(reason) > MAX_REASON:
        raise BadRequest(_("The reason is too long (at most %(max)d characters).", max=MAX_REASON))
    return StateChange(state, reason if state == "not_ready" else "")


def broadcast_text(form: Mapping[str, Any]) -> str:
    """Return the validated text of a broadcast form (BadRequest if empty or too long)."""
    text = " ".join(str(form.get("text") or "").split())
    if not text:
        raise BadRequest(_("Write a message to send."))
    if len(text) > MAX_BROADCAST:
        raise BadRequest(
            _("The message is too long (at most %(max)d characters).", max=MAX_BROADCAST)
        )
    return text


def bucket(agent: Mapping[str, Any]) -> str:
    """Return the wallboard state of an agent from the engine's `agents` entry."""
    if not agent.get("registered"):
        return "logged_out"
    return ENGINE_TO_BUCKET.get(str(agent.get("state") or ""), "logged_out")


def bucket_counts(agents: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Return how many agents are in each wallboard state (every state present)."""
    counts = Counter(bucket(agent) for agent in agents)
    return {name: counts.get(name, 0) for name in BUCKETS}


def queue_row(
    name: str,
    title: str,
    day: QueueDay,
    threshold: int,
    waiting: int,
    waiting_since: list[float],
    agents: list[Mapping[str, Any]],
) -> dict[str, Any]:
    """Return one queue's wallboard row (waiting_since: the join times known of them)."""
    return {
        "name": name,
        "title": title or name,
        "waiting": waiting,
        "longest_since": min(waiting_since) if waiting_since else None,
        "answered": day.answered,
        "abandoned": day.abandoned,
        "service_level": day.service_level,
        "threshold": threshold,
        "agents": bucket_counts(agents),
    }


def agent_row(
    agent: Mapping[str, Any], since: float | None, reasons: Mapping[str, str]
) -> dict[str, Any]:
    """Return one agent's wallboard row (reasons: a not-ready code's title to show)."""
    state = bucket(agent)
    reason = str(agent.get("reason") or "")
    return {
        "extension": str(agent.get("extension", "")),
        "name": agent.get("name") or "",
        "state": state,
        "state_label": str(BUCKETS[state]),
        "reason": reasons.get(reason, reason),
        "since": since,
        "queues": [str(q) for q in agent.get("queues") or []],
    }


def charts(queues: list[dict[str, Any]], agents: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the data of the two charts: calls per queue today, agents by state now."""
    counts = Counter(a["state"] for a in agents)
    return {
        "queues": [q["title"] for q in queues],
        "answered": [q["answered"] for q in queues],
        "abandoned": [q["abandoned"] for q in queues],
        "labels": {"answered": _("Answered"), "abandoned": _("Abandoned")},
        "states": [str(label) for label in BUCKETS.values()],
        "state_keys": list(BUCKETS),
        "agents": [counts.get(name, 0) for name in BUCKETS],
    }
