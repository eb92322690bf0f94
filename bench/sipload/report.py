"""Print a run's figures: the plain-text table and the one-line RESULT summary."""

from __future__ import annotations

from typing import Any

from .const import LEG_RATES, TARGET_CONCURRENT, TARGET_CPU_PERCENT, TARGET_PPS, TARGET_RATE
from .options import Options

Rows = list[tuple[str, str]]

CONCURRENCY_TARGET = (
    f"{TARGET_CONCURRENT} recorded < {TARGET_CPU_PERCENT:g} %, 0 failed, {TARGET_PPS:g} pps"
)
THROUGHPUT_TARGET = f"{TARGET_RATE:g} calls/s, 0 failed"


def table(opts: Options, r: dict[str, Any]) -> str:
    """Return the figures as a plain-text table."""
    rows = load_rows(r) + cpu_rows(r) + call_rows(r) + rtp_rows(r) + machine_rows(r)
    if r["mode"] == "throughput":
        rows.insert(3, ("calls answered per second (engine)", f"{r.get('achieved_rate')}"))
    width = max(len(k) for k, _ in rows)
    lines = [f"{k.ljust(width)}  {v}" for k, v in rows]
    lines += [f"note: {n}" for n in r.get("notes", [])]
    return "\n".join(lines)


def pct(v: Any) -> str:
    """Return a percentage as the table shows it ("n/a" if not measured)."""
    return "n/a" if v is None else f"{v:.1f} %"


def per_leg(rates: dict[str, float]) -> str:
    """Return packets/s of the four legs, caller rx/tx then agent rx/tx."""
    return " / ".join(str(rates.get(k, "n/a")) for k in LEG_RATES)


def load_rows(r: dict[str, Any]) -> Rows:
    """Return the rows that say what was offered and what was held."""
    return [
        ("mode", r["mode"]),
        ("load", r["load"]),
        ("calls placed / CDRs", f"{r['calls_placed']} / {r['cdrs']}"),
        ("max bridged (talking) at once", f"{r['max_bridged']}  (max calls {r['max_calls']})"),
        ("steady window", f"{r['steady_level']} bridged for {r['steady_seconds']} s"),
    ]


def cpu_rows(r: dict[str, Any]) -> Rows:
    """Return the rows of the engine's CPU and memory."""
    threads = r.get("engine_threads_steady_percent", {})
    return [
        ("engine CPU steady, % of one core", pct(r.get("engine_cpu_steady_percent"))),
        ("engine CPU whole run", pct(r.get("engine_cpu_run_percent"))),
        ("engine CPU idle (before load)", pct(r.get("engine_cpu_idle_percent"))),
        ("  by thread (steady)", ", ".join(f"{k} {v:.1f}" for k, v in threads.items()) or "n/a"),
        ("engine RSS max", f"{r['engine_rss_max_mb']} MB"),
    ]


def call_rows(r: dict[str, Any]) -> Rows:
    """Return the rows of failures, outcomes, set-up and answer times."""
    callers, agents = r["sipp_callers"], r["sipp_agents"]
    rings = r.get("agent_rings_not_answered", {})
    return [
        (
            "failed calls (total)",
            f"{r['failed_calls']}  (SIPp callers {callers.get('failed', '?')}, "
            f"agents {agents.get('failed', '?')}, CDR not answered "
            f"{r['cdr_not_answered']}, CDR missing {r['cdr_missing']})",
        ),
        ("CDR outcomes", ", ".join(f"{k} {v}" for k, v in sorted(r["cdr_outcomes"].items()))),
        ("calls bridged (bridge.joined)", str(r.get("calls_bridged"))),
        ("set-up INVITE→bridged median / p95", f"{r['setup_ms_median']} / {r['setup_ms_p95']} ms"),
        ("queue wait max", f"{r.get('wait_seconds_max')} s"),
        ("agent rings not answered", ", ".join(f"{n}× {k}" for k, n in rings.items()) or "0"),
        (
            "INVITE→200 at SIPp mean / worst second",
            f"{callers.get('response_ms_mean')} / {callers.get('response_ms_worst_second')} ms, "
            f"{callers.get('retransmissions')} retransmissions",
        ),
    ]


def rtp_rows(r: dict[str, Any]) -> Rows:
    """Return the rows of RTP packets, loss and packets/s per leg."""
    pps, p5 = r.get("pps_median", {}), r.get("pps_p5", {})
    return [
        ("RTP packets rx / tx (engine)", f"{r['rtp_packets_rx']:,} / {r['rtp_packets_tx']:,}"),
        ("RTP lost (engine rx)", f"{r['rtp_lost']:,}  ({r.get('rtp_loss_percent')} %)"),
        ("calls missing RTP on a leg", f"{r['calls_without_rtp_on_a_leg']}"),
        ("packets/s per leg, median", per_leg(pps) + "  (caller rx/tx, agent rx/tx)"),
        ("packets/s per leg, 5th percentile", per_leg(p5)),
    ]


def machine_rows(r: dict[str, Any]) -> Rows:
    """Return the rows of the control socket, the other programs and the machine."""
    return [
        (
            "control `calls` round trip median / max",
            f"{r['control_ms_median']} / {r['control_ms_max']} ms, {r['control_failures']} failed",
        ),
        ("kamailio CPU whole run", pct(r.get("kamailio_cpu_run_percent"))),
        ("SIPp (load generators) CPU whole run", pct(r.get("sipp_cpu_run_percent"))),
        ("this benchmark's own CPU whole run", pct(r.get("bench_cpu_run_percent"))),
        (
            f"machine busy / steal steady, all {r.get('cores', '?')} cores",
            f"{pct(r.get('machine_busy_steady_percent'))} / "
            f"{pct(r.get('machine_steal_steady_percent'))}",
        ),
        (
            "other programs' CPU before / steady",
            f"{pct(r.get('other_programs_before_percent'))} / "
            f"{pct(r.get('other_programs_steady_percent'))} of one core",
        ),
        ("agents registered in", f"{r.get('register_seconds')} s"),
    ]


def summary(opts: Options, r: dict[str, Any]) -> str:
    """Return the one-line summary."""
    if opts.mode == "concurrency":
        figures, target = concurrency_figures(opts, r), CONCURRENCY_TARGET
    else:
        figures, target = throughput_figures(opts, r), THROUGHPUT_TARGET
    return f"RESULT {r['load']}: {figures} — target [{target}]: {verdict(r.get('targets', {}))}"


def concurrency_figures(opts: Options, r: dict[str, Any]) -> str:
    """Return the summary's figures for C bridged calls."""
    p5, median = r.get("pps_p5", {}), r.get("pps_median", {})
    agent = min((p5.get(k, 0) for k in ("agent_rx", "agent_tx")), default=None)
    return (
        f"{r['steady_level']}/{opts.concurrency} bridged, engine "
        f"{r.get('engine_cpu_steady_percent')} % of a core steady, {r['failed_calls']} failed, "
        f"loss {r.get('rtp_loss_percent')} %, agent legs ≥ {agent} pps (p5), caller rx "
        f"{median.get('caller_rx')} pps (median)"
    )


def throughput_figures(opts: Options, r: dict[str, Any]) -> str:
    """Return the summary's figures for calls at a rate."""
    answer = r["sipp_callers"].get("response_ms_worst_second")
    return (
        f"{r.get('achieved_rate')} calls/s answered of {opts.rate:g} offered, "
        f"{r['calls_placed']} calls, {r['failed_calls']} failed, INVITE→200 up to {answer} ms, "
        f"set-up median {r.get('setup_ms_median')} ms, engine "
        f"{r.get('engine_cpu_steady_percent')} % of a core"
    )


def verdict(t: dict[str, Any]) -> str:
    """Return MET, MISSED (which checks) or why the targets do not apply."""
    missed = ", ".join(k[:-3] for k, v in t.items() if k.endswith("_ok") and not v)
    if t.get("applies"):
        return "MET" if t.get("met") else f"MISSED ({missed})"
    return "n/a for this shape" + (f" (checks not passed: {missed})" if missed else "")
