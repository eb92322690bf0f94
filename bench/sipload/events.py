"""Figure each call from the engine's events: set-up time, unanswered rings, RTP per leg."""

from __future__ import annotations

import contextlib
import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from boxharness import Box

from .bench import Bench
from .const import DTMF_TO_RTP_MS, LEG_RATES

EVENTS = (
    "SELECT call_id, kind, at, data FROM call_event WHERE kind IN"
    " ('call.started', 'bridge.joined', 'call.ended', 'agent.no_answer')"
)


@dataclass
class CallEvents:
    """What the event log says about the calls: when they started and bridged, their RTP."""

    started: dict[str, float] = field(default_factory=dict)
    bridged: dict[str, float] = field(default_factory=dict)
    rtp: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # call -> leg -> n
    unanswered: Counter[str] = field(default_factory=Counter)  # "code reason" -> rings

    def add(self, call_id: str, kind: str, at: float, data: str) -> None:
        """Take in one event."""
        if kind == "agent.no_answer":
            ring = json.loads(data)
            self.unanswered[f"{ring.get('code')} {ring.get('reason')}"] += 1
        elif kind == "call.started":
            self.started[call_id] = at
        elif kind == "bridge.joined":
            self.bridged[call_id] = at
        else:
            self.rtp[call_id] = json.loads(data).get("rtp") or {}


def read_events(box: Box) -> CallEvents:
    """Return the events of every call the box handled."""
    events = CallEvents()
    with contextlib.closing(box.db()) as conn:
        for call_id, kind, at, data in conn.execute(EVENTS):
            events.add(call_id, kind, at, data)
    return events


def collect_calls(bench: Bench, cdrs: list[dict[str, Any]]) -> None:
    """Figures from each call's events: set-up time, RTP counts, loss, packets/s per leg."""
    r = bench.result
    events = read_events(bench.box)
    r["agent_rings_not_answered"] = dict(events.unanswered)
    started, bridged = events.started, events.bridged
    setups = sorted(at - started[c] for c, at in bridged.items() if c in started)
    r["setup_ms_median"] = round(1000 * statistics.median(setups)) if setups else None
    r["setup_ms_p95"] = round(1000 * percentile(setups, 0.95)) if setups else None
    r["calls_bridged"] = len(bridged)
    waits = [c["wait_seconds"] for c in cdrs]
    r["wait_seconds_max"] = round(max(waits), 2) if waits else None
    stream_start = (bench.opts.dtmf_ms + DTMF_TO_RTP_MS) / 1000
    r.update(rtp_figures(events.rtp, cdrs, stream_start))


def rtp_figures(
    rtp: dict[str, dict[str, dict[str, int]]], cdrs: list[dict[str, Any]], stream_start: float
) -> dict[str, Any]:
    """Return RTP totals, loss, calls missing RTP on a leg and packets/s per leg."""
    by_call = {c["call_id"]: c for c in cdrs}
    totals: Counter[str] = Counter()
    no_rtp: list[str] = []
    rates: dict[str, list[float]] = {k: [] for k in LEG_RATES}
    for call_id, legs in rtp.items():
        caller, agent = legs.get("caller", {}), legs.get("agent", {})
        for leg in (caller, agent):
            for key in ("rx", "tx", "lost"):
                totals[key] += leg.get(key, 0)
        if not caller.get("rx") or not agent.get("rx"):
            no_rtp.append(call_id)
        elif call_id in by_call:
            add_leg_rates(rates, caller, agent, by_call[call_id], stream_start)
    rx, lost = totals["rx"], totals["lost"]
    return {
        "rtp_packets_rx": rx,
        "rtp_packets_tx": totals["tx"],
        "rtp_lost": lost,
        "rtp_loss_percent": round(100 * lost / (rx + lost), 3) if rx + lost else None,
        "calls_without_rtp_on_a_leg": len(no_rtp),
        "calls_with_rtp_data": len(rtp),
        "pps_median": {k: round(statistics.median(v), 1) for k, v in rates.items() if v},
        "pps_p5": {k: round(percentile(v, 0.05), 1) for k, v in rates.items() if v},
    }


def add_leg_rates(
    rates: dict[str, list[float]],
    caller: dict[str, int],
    agent: dict[str, int],
    cdr: dict[str, Any],
    stream_start: float,
) -> None:
    """Add one call's packets/s per leg: the agent's over its talk, the caller's over its call.

    Both legs' counters are exact: the engine reads them before it hangs a leg up, or when
    the far end's hang-up destroys the stream.
    """
    talk = cdr["talk_seconds"]
    call = cdr["ended_at"] - cdr["started_at"]
    if talk > 1:
        rates["agent_rx"].append(agent["rx"] / talk)
        rates["agent_tx"].append(agent["tx"] / talk)
    if call - stream_start > 1:
        rates["caller_rx"].append(caller["rx"] / (call - stream_start))
        rates["caller_tx"].append(caller["tx"] / call)


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which fraction of values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]
