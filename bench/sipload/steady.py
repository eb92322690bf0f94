"""Find the steady window of a run and figure the engine's and the machine's CPU in it."""

from __future__ import annotations

import statistics
from typing import Any

import psutil

from .bench import Bench
from .probe import Sample, cpu_percent


def steady_window(samples: list[Sample], target: int) -> tuple[int, int, int]:
    """Return (first, last, level): the longest run of samples holding the most calls.

    The level is the target, or the most calls seen if the target was never reached.
    """
    level = min(target, max((s.talking for s in samples), default=0))
    best = (0, -1)
    start = None
    for i, s in enumerate([*samples, Sample(0, 0, 0, -1, 0, 0)]):
        if s.talking >= level > 0:
            start = i if start is None else start
        elif start is not None:
            if i - 1 - start > best[1] - best[0]:
                best = (start, i - 1)
            start = None
    return best[0], best[1], level


def throughput_window(bench: Bench) -> tuple[int, int, int]:
    """Return (first, last, level): from the first call's expected end to the last call placed.

    Then calls arrive and leave at the full rate; a run too short for it uses all of itself.
    """
    o, samples = bench.opts, bench.samples
    t0 = samples[0].at
    begin = t0 + bench.setup_seconds + o.hold
    end = t0 + (o.calls - 1) / o.rate
    inside = [i for i, s in enumerate(samples) if begin <= s.at <= end]
    if len(inside) < 2:
        inside = list(range(len(samples)))
        bench.notes.append("run too short for a steady window: the whole run is used")
    first, last = inside[0], inside[-1]
    level = round(statistics.median(s.talking for s in samples[first : last + 1]))
    return first, last, level


def collect_steady(bench: Bench) -> None:
    """Find the steady window and the engine's CPU in it.

    Concurrency mode: the longest stretch with every call bridged.  Throughput mode:
    from the first call's expected end to the last call placed, when calls arrive and
    leave at the full rate.
    """
    o, r = bench.opts, bench.result
    if o.mode == "concurrency":
        first, last, level = steady_window(bench.samples, o.concurrency)
    else:
        first, last, level = throughput_window(bench)
    r["steady_level"] = level
    if last <= first:
        r["steady_seconds"] = 0.0
        r["engine_cpu_steady_percent"] = None
        return
    a, b = bench.samples[first], bench.samples[last]
    r["steady_seconds"] = round(b.at - a.at, 1)
    r["engine_cpu_steady_percent"] = round(cpu_percent(a, b), 2)
    r.update(machine_figures(a, b))
    r["engine_threads_steady_percent"] = thread_figures(a, b, bench.thread_names)


def machine_figures(a: Sample, b: Sample) -> dict[str, Any]:
    """Return the machine's busy and stolen CPU between two samples, and other programs' share."""
    seconds = b.at - a.at
    cores = psutil.cpu_count() or 1
    ours = (b.engine_cpu - a.engine_cpu) + (b.helpers_cpu - a.helpers_cpu)
    return {
        "cores": cores,
        "machine_busy_steady_percent": round(
            100 * (b.machine_busy - a.machine_busy) / seconds / cores, 1
        ),
        "machine_steal_steady_percent": round(
            100 * (b.machine_steal - a.machine_steal) / seconds / cores, 1
        ),
        "other_programs_steady_percent": round(
            100 * max(0.0, b.machine_busy - a.machine_busy - ours) / seconds, 1
        ),
    }


def thread_figures(a: Sample, b: Sample, names: dict[int, str]) -> dict[str, float]:
    """Return the six busiest engine threads between two samples, in % of one core."""
    seconds = b.at - a.at
    per_thread = {
        names.get(tid, f"gone/{tid}"): round(100 * (used - a.threads.get(tid, 0)) / seconds, 2)
        for tid, used in b.threads.items()
    }
    return dict(sorted(per_thread.items(), key=lambda kv: -kv[1])[:6])
