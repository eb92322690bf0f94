"""Turn what a run measured into figures: SIPp statistics, CDRs, samples, events, targets."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from .bench import Bench
from .events import collect_calls
from .probe import Sample
from .sipp import sipp_stats
from .steady import collect_steady
from .targets import targets


def collect(bench: Bench) -> None:
    """Turn samples, SIPp statistics, CDRs and events into figures."""
    r = bench.result
    assert bench.probe is not None
    caller = sipp_stats(bench.var / "callers-stats.csv")
    agents = sipp_stats(bench.var / "agents-stats.csv")
    r["sipp_callers"], r["sipp_agents"] = caller, agents
    cdrs = bench.box.cdrs()
    r.update(failure_figures(caller, agents, cdrs))
    r.update(sample_figures(bench.samples))
    r["control_failures"] = bench.probe.control_failures
    collect_steady(bench)
    collect_calls(bench, cdrs)
    if bench.opts.mode == "throughput" and len(cdrs) > 1:
        r["achieved_rate"] = answered_rate(cdrs)
    r["targets"] = targets(bench.opts, r)
    r["notes"] = bench.notes


def failure_figures(
    caller: dict[str, Any], agents: dict[str, Any], cdrs: list[dict[str, Any]]
) -> dict[str, Any]:
    """Return calls placed, CDR outcomes and failed calls counted every way they show."""
    outcomes = Counter(c["outcome"] for c in cdrs)
    placed = caller.get("created", 0)
    not_answered = sum(n for k, n in outcomes.items() if k != "answered")
    missing = max(0, placed - len(cdrs))
    return {
        "cdr_outcomes": dict(outcomes),
        "calls_placed": placed,
        "cdrs": len(cdrs),
        "cdr_not_answered": not_answered,
        "cdr_missing": missing,
        "failed_calls": caller.get("failed", 0) + agents.get("failed", 0) + not_answered + missing,
    }


def sample_figures(samples: list[Sample]) -> dict[str, Any]:
    """Return the most calls, bridged calls and memory seen, and the control round trips."""
    latencies = sorted(s.control_ms for s in samples if s.control_ms > 0)
    return {
        "max_bridged": max((s.talking for s in samples), default=0),
        "max_calls": max((s.calls for s in samples), default=0),
        "engine_rss_max_mb": round(max((s.rss for s in samples), default=0) / 2**20, 1),
        "control_ms_median": round(statistics.median(latencies), 1) if latencies else None,
        "control_ms_max": round(latencies[-1], 1) if latencies else None,
    }


def answered_rate(cdrs: list[dict[str, Any]]) -> float | None:
    """Return calls answered per second: (n − 1) over the span of the CDRs' start times."""
    starts = sorted(c["started_at"] for c in cdrs)
    span = starts[-1] - starts[0]
    return round((len(starts) - 1) / span, 1) if span > 0 else None
