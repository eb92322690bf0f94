"""Derive a call detail record from a call's events.

The events are the record of truth; the CDR is a summary that can always be
rebuilt from them.  Event kinds used here (each a dict with ``kind``, ``at``,
``data``): ``call.started`` {from, to, direction}, ``queue.joined`` {queue},
``queue.empty`` {queue, reason} (nobody staffs it, or it is full),
``agent.answered`` {agent, queue}, ``recording.started`` {file}, ``call.ended``
{by: caller|agent|system, reason, outcome?}; and from queue behaviour:
``voicemail.left`` {box, file, seconds}, ``queue.callback_requested`` {number} (the
caller hangs up, their place kept), ``callback.dialing`` / ``callback.answered``
(a callback call: its ``call.started`` carries the ``joined_at`` of the caller's place
in line, and talk counts from the customer's answer) and ``external.answered``
{number} (sent on to an outside number); calls out: ``outbound.answered`` {number,
agent} (a phone's call out), ``dial.ringing`` {agent} / ``dial.answered`` (click-to-dial);
extension to extension: ``internal.ringing`` {agent} / ``internal.answered`` {agent} (the
callee; a call it forwards out on a trunk is answered by ``outbound.answered``);
``survey.started`` {node, agent, queue} (the
agent hung up and the caller stays for a survey: talk ends there); campaigns:
``campaign.flow`` {flow, version} (an agentless campaign's contact entered its flow: the
call is answered from there; a contact answered but dropped has no such event and no agent).

For the report figures: ``call.held`` / ``call.resumed`` (hold time, left out of talk
time), ``transfer.completed`` (the caller went on to another person) and
``transfer.started`` to ``queue:``/``ivr:`` (a blind transfer with no consultation),
``queue.overflow`` {queue} (a queue's overflow sent the caller on).  Wrap-up happens
after the call ends, on the agent's events: `wrap_up_by_call` gives it per call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from appliance.callflow.const import Outcome

Event = dict[str, Any]


def derive_cdr(call_id: str, events: Iterable[Event]) -> dict[str, Any]:
    """Return the CDR fields for a finished call."""
    events = sorted(events, key=lambda e: e["at"])
    by_kind: dict[str, Event] = {}
    for event in events:
        by_kind.setdefault(event["kind"], event)
        if event["kind"] == "call.ended":
            by_kind["call.ended"] = event
    started, ended = by_kind["call.started"], by_kind.get("call.ended")
    end_at = ended["at"] if ended else started["at"]
    joined, answered = by_kind.get("queue.joined"), by_kind.get("agent.answered")
    connected = _connected(by_kind)
    wait_end = answered["at"] if answered else end_at
    talk_end = by_kind["survey.started"]["at"] if "survey.started" in by_kind else end_at
    # A callback call waits from when its caller first joined the line (call.started has it).
    joined_at = joined["at"] if joined else started["data"].get("joined_at")
    hold = hold_seconds(events, connected["at"], talk_end) if connected else 0.0
    overflow = by_kind.get("queue.overflow")
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
        "agent": _agent(by_kind),
        "wait_seconds": round(max(0.0, wait_end - joined_at), 3) if joined_at else 0.0,
        "talk_seconds": round(max(0.0, talk_end - connected["at"] - hold), 3) if connected else 0.0,
        "hold_seconds": round(hold, 3),
        "wrap_up_seconds": 0.0,  # after the call, from the agent's events: wrap_up_by_call
        "transfers": transfers(events),
        "overflows": sum(e["kind"] == "queue.overflow" for e in events),
        "overflow_queue": overflow["data"].get("queue") if overflow else None,
        "outcome": str(_queue_outcome(by_kind) or outcome(ended, connected)),
        "recording": (by_kind.get("recording.started") or {}).get("data", {}).get("file"),
    }


def hold_seconds(events: list[Event], start: float, end: float) -> float:
    """Return the caller's time on hold between start and end (an open hold ends at end)."""
    total, held_at = 0.0, None
    for event in events:
        at = min(max(event["at"], start), end)
        if event["kind"] == "call.held" and held_at is None:
            held_at = at
        elif event["kind"] == "call.resumed" and held_at is not None:
            total, held_at = total + at - held_at, None
    return total + (end - held_at if held_at is not None else 0.0)


def transfers(events: list[Event]) -> int:
    """Return how often the caller was transferred: to a person, or blind to a queue or IVR."""
    blind = ("queue:", "ivr:")
    return sum(
        e["kind"] == "transfer.completed"
        or (e["kind"] == "transfer.started" and str(e["data"].get("to", "")).startswith(blind))
        for e in events
    )


def wrap_up_by_call(agent_events: Iterable[Event]) -> dict[str, float]:
    """Return each call's wrap-up seconds from agent.state events (call_id "", data.agent).

    An agent's wrap-up belongs to the call they were last ``on_call`` for (that state
    names the call); it lasts until their next state, whatever it is.
    """
    last_call: dict[str, str] = {}
    wrapping: dict[str, tuple[str, float]] = {}
    result: dict[str, float] = {}
    for event in sorted(agent_events, key=lambda e: e["at"]):
        if event["kind"] != "agent.state":
            continue
        agent, data = str(event["data"].get("agent", "")), event["data"]
        if agent in wrapping:
            call, since = wrapping.pop(agent)
            result[call] = round(result.get(call, 0.0) + event["at"] - since, 3)
        if data.get("state") == "on_call" and data.get("call_id"):
            last_call[agent] = str(data["call_id"])
        elif data.get("state") == "wrap_up" and agent in last_call:
            wrapping[agent] = (last_call.pop(agent), event["at"])
    return result


def _connected(by_kind: dict[str, Event]) -> Event | None:
    """Return the event from which the caller talked to someone (None if they never did)."""
    if "callback.dialing" in by_kind:  # a callback: the agent answers first, then the customer
        return by_kind.get("agent.answered") and by_kind.get("callback.answered")
    answers = ("agent.answered", "internal.answered", "external.answered", "outbound.answered")
    for kind in (*answers, "dial.answered", "campaign.flow"):
        if kind in by_kind:
            return by_kind[kind]
    return None


def _agent(by_kind: dict[str, Event]) -> str | None:
    """Return the agent who took the call, whose call out (or click-to-dial) it was, or the
    extension a colleague called."""
    kinds = ("agent.answered", "internal.answered", "outbound.answered", "dial.ringing")
    for kind in (*kinds, "internal.ringing"):
        if kind in by_kind:
            return by_kind[kind]["data"].get("agent")
    return None


def _queue_outcome(by_kind: dict[str, Event]) -> Outcome | None:
    """Return the outcome a queue's exits give a call that no agent answered, if any."""
    if "agent.answered" in by_kind or by_kind.get("call.ended", {}).get("data", {}).get("outcome"):
        return None
    if "external.answered" in by_kind:
        return Outcome.FORWARDED
    if "voicemail.left" in by_kind:
        return Outcome.VOICEMAIL
    if "queue.callback_requested" in by_kind:
        return Outcome.CALLBACK
    return None


def outcome(ended: Event | None, answered: Event | None) -> Outcome:
    """Return how the call ended."""
    if ended is None or ended["data"].get("outcome") == Outcome.INTERRUPTED:
        return Outcome.INTERRUPTED
    if answered is not None:
        return Outcome.ANSWERED
    if ended["data"].get("by") == "caller":
        return Outcome.ABANDONED
    return Outcome.FAILED
