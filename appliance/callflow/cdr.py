"""Derive a call detail record from a call's events.

The events are the record of truth; the CDR is a summary that can always be
rebuilt from them.  Event kinds used here (each a dict with ``kind``, ``at``,
``data``): ``call.started`` {from, to, direction}, ``queue.joined`` {queue},
``queue.empty`` {queue, reason} (nobody staffs it, or it is full),
``agent.answered`` {agent, queue}, ``recording.started`` {file}, ``call.ended``
{by: caller|agent|system, reason, outcome?}.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from appliance.callflow.const import Outcome

Event = dict[str, Any]


def derive_cdr(call_id: str, events: Iterable[Event]) -> dict[str, Any]:
    """Return the CDR fields for a finished call."""
    by_kind: dict[str, Event] = {}
    for event in sorted(events, key=lambda e: e["at"]):
        by_kind.setdefault(event["kind"], event)
        if event["kind"] == "call.ended":
            by_kind["call.ended"] = event
    started, ended = by_kind["call.started"], by_kind.get("call.ended")
    end_at = ended["at"] if ended else started["at"]
    joined, answered = by_kind.get("queue.joined"), by_kind.get("agent.answered")
    wait_end = answered["at"] if answered else end_at
    return {
        "call_id": call_id,
        "started_at": started["at"],
        "ended_at": end_at,
        "from_number": started["data"].get("from", ""),
        "to_number": started["data"].get("to", ""),
        "direction": started["data"].get("direction", "inbound"),
        "queue": (answered or joined or by_kind.get("queue.empty") or {})
        .get("data", {})
        .get("queue"),
        "agent": answered["data"].get("agent") if answered else None,
        "wait_seconds": round(max(0.0, wait_end - joined["at"]), 3) if joined else 0.0,
        "talk_seconds": round(max(0.0, end_at - answered["at"]), 3) if answered else 0.0,
        "outcome": str(outcome(ended, answered)),
        "recording": (by_kind.get("recording.started") or {}).get("data", {}).get("file"),
    }


def outcome(ended: Event | None, answered: Event | None) -> Outcome:
    """Return how the call ended."""
    if ended is None or ended["data"].get("outcome") == Outcome.INTERRUPTED:
        return Outcome.INTERRUPTED
    if answered is not None:
        return Outcome.ANSWERED
    if ended["data"].get("by") == "caller":
        return Outcome.ABANDONED
    return Outcome.FAILED
