"""Judge a run against the issue's targets, where the run's shape matches them."""

from __future__ import annotations

from typing import Any

from .const import (
    TARGET_CONCURRENT,
    TARGET_CPU_PERCENT,
    TARGET_PPS,
    TARGET_PPS_TOLERANCE,
    TARGET_RATE,
)
from .options import Options


def targets(o: Options, r: dict[str, Any]) -> dict[str, Any]:
    """Compare with the issue's targets where this run's shape matches them."""
    judge = concurrency_verdict if o.mode == "concurrency" else throughput_verdict
    verdict = judge(o, r)
    verdict["met"] = all(v for k, v in verdict.items() if k.endswith("_ok"))
    return verdict


def concurrency_verdict(o: Options, r: dict[str, Any]) -> dict[str, Any]:
    """Judge C bridged calls: CPU, all bridged, none failed, packets/s per leg."""
    cpu = r.get("engine_cpu_steady_percent")
    median, p5 = r.get("pps_median", {}), r.get("pps_p5", {})
    floor = TARGET_PPS * TARGET_PPS_TOLERANCE
    return {
        "applies": o.concurrency >= TARGET_CONCURRENT and o.record,
        "cpu_ok": cpu is not None and cpu < TARGET_CPU_PERCENT,
        "bridged_ok": r["steady_level"] >= o.concurrency,
        "failed_ok": r["failed_calls"] == 0,
        # The caller's tx also counts the IVR, where the engine sends only while a
        # prompt plays, so it is shown but not judged.
        "pps_ok": all(median.get(k, 0) >= floor for k in ("caller_rx", "agent_rx", "agent_tx"))
        and all(p5.get(k, 0) >= floor for k in ("agent_rx", "agent_tx")),
    }


def throughput_verdict(o: Options, r: dict[str, Any]) -> dict[str, Any]:
    """Judge calls at a rate: answered at ≥ 95 % of the offered rate, none failed."""
    rate = r.get("achieved_rate") or 0
    return {
        "applies": o.rate >= TARGET_RATE,
        "rate_ok": rate >= o.rate * 0.95,
        "failed_ok": r["failed_calls"] == 0,
    }
