"""The IVR funnel of each flow version: which nodes callers reach, which keys they press,
and where they leave.

Call events (each with ``call_id``): ``ivr.entered`` {flow, version}, ``ivr.prompt``
{node}, ``dtmf`` {digit, node}, ``ivr.transfer`` {node, to}, ``queue.joined``,
``agent.answered``, ``call.ended`` {by}.  Formula: docs/metrics.md, "IVR funnel".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Event = Mapping[str, Any]
NODE_EVENTS = ("ivr.prompt", "dtmf", "ivr.transfer")
EXITS = {"queue.joined": "queue", "agent.answered": "answered", "ivr.transfer": "transfer"}


@dataclass
class NodeFunnel:
    """One node's callers: how many reached it, their keys and how they left the IVR there."""

    reached: int = 0  # calls that reached the node (once each)
    keys: dict[str, int] = field(default_factory=dict)  # every key pressed at the node
    exits: dict[str, int] = field(default_factory=dict)  # hung_up | ended | queue | transfer


@dataclass
class FlowFunnel:
    """One flow version's funnel."""

    calls: int = 0
    nodes: dict[str, NodeFunnel] = field(default_factory=dict)


def _by_call(events: Iterable[Event]) -> dict[str, list[Event]]:
    """Return the events of each call, in time order."""
    calls: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: e["at"]):
        calls.setdefault(str(event.get("call_id", "")), []).append(event)
    return calls


def _count(counts: dict[str, int], key: str) -> None:
    """Add one to counts[key]."""
    counts[key] = counts.get(key, 0) + 1


def _walk(events: list[Event], funnel: FlowFunnel) -> None:
    """Add one call's path through the IVR to the funnel."""
    funnel.calls += 1
    node: str | None = None  # where the caller is in the IVR; None once they left it
    seen: set[str] = set()
    for event in events:
        kind, data = event["kind"], event["data"]
        # A key pressed while queued names the queue node too, but the caller left the IVR.
        if kind in NODE_EVENTS and data.get("node") and (kind != "dtmf" or node is not None):
            node = str(data["node"])
            at = funnel.nodes.setdefault(node, NodeFunnel())
            if node not in seen:
                seen.add(node)
                at.reached += 1
            if kind == "dtmf":
                _count(at.keys, str(data.get("digit")))
        if node is not None and kind in EXITS:
            _count(funnel.nodes[node].exits, EXITS[kind])
            node = None
        elif node is not None and kind == "call.ended":
            _count(funnel.nodes[node].exits, "hung_up" if data.get("by") == "caller" else "ended")


def ivr_funnel(events: Iterable[Event]) -> dict[tuple[str, int], FlowFunnel]:
    """Return the funnel of each (flow, version) the calls entered, sorted."""
    funnels: dict[tuple[str, int], FlowFunnel] = {}
    for call_events in _by_call(events).values():
        entered = next((e for e in call_events if e["kind"] == "ivr.entered"), None)
        if entered is None:
            continue
        key = (str(entered["data"].get("flow")), int(entered["data"].get("version") or 0))
        _walk(call_events, funnels.setdefault(key, FlowFunnel()))
    return {key: funnels[key] for key in sorted(funnels)}
