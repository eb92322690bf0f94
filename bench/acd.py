"""Benchmark the ACD's routing decisions: how many per second, and how long the slowest take.

A busy box: 50 agents, each in 3 of 20 queues with a penalty of 0, 1 or 2, and 500
callers waiting, spread over the queues.  For every registered strategy, two loads:

- decision: the queues are saturated, so agents free up one at a time.  Each decision
  makes one agent ready and runs one `Acd.assignments()` round, which rings that agent
  for the oldest caller it serves; the caller answers and hangs up, the agent goes
  back to not ready, and a new caller joins at the back (500 always wait).
- burst: all 50 agents are ready at once; one round hands out every agent (several
  callers, each strategy choosing among many candidates).  After the round, rung
  agents are set back to ready and the callers served are replaced.

Then each strategy's `choose()` alone, and sorting the 500 waiting callers alone, to
show which part of a round the time goes to.  Rates are decisions (rounds) divided by
the time spent inside `assignments()`, not counting the benchmark's own bookkeeping.

Each `assignments()` call is timed with `time.perf_counter_ns`.  Bounded: --decisions
and --rounds per strategy.  Pure Python, no phone or database.

    .venv/bin/python bench/acd.py [--decisions 2000] [--rounds 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import time

from appliance.callflow import strategies
from appliance.callflow.acd import Acd, AgentStatus, QueueConfig
from appliance.callflow.const import AgentState

AGENTS = [str(2000 + i) for i in range(50)]
QUEUES = [f"q{i:02}" for i in range(20)]
QUEUES_PER_AGENT = 3
WAITING = 500
TARGET_P99_US = 1000.0


def topology(seed: int) -> dict[str, dict[str, int]]:
    """Return queue -> {extension: penalty}, each agent in a few queues, none empty."""
    rng = random.Random(seed)
    members: dict[str, dict[str, int]] = {q: {} for q in QUEUES}
    for i, ext in enumerate(AGENTS):
        first = QUEUES[i % len(QUEUES)]  # every queue gets at least one agent
        others = rng.sample([q for q in QUEUES if q != first], QUEUES_PER_AGENT - 1)
        for queue in [first, *others]:
            members[queue][ext] = rng.choice([0, 0, 1, 2])
    return members


def make_acd(strategy: str, members: dict[str, dict[str, int]], rng: random.Random) -> Acd:
    """Return an ACD with every queue on strategy, all agents ready and 500 waiting."""
    acd = Acd()
    agents = {e: AgentStatus(e, state=AgentState.READY) for e in AGENTS}
    acd.configure([QueueConfig(q, strategy, m) for q, m in members.items()], agents)
    for i, ext in enumerate(AGENTS):
        acd.set_registered(ext, True, now=float(i))
    for i in range(WAITING):
        acd.join(f"c{i}", rng.choice(QUEUES), now=100.0 + i)
    return acd


def timed_round(acd: Acd, now: float) -> tuple[int, list[tuple[str, str]]]:
    """Return how long one assignments() round took (ns) and what it rang."""
    start = time.perf_counter_ns()
    pairs = acd.assignments(now)
    return time.perf_counter_ns() - start, pairs


def serve(acd: Acd, pairs: list[tuple[str, str]], now: float, rng: random.Random) -> int:
    """Answer each rung caller with its first agent, free the rest; return callers served."""
    served: dict[str, str] = {}
    for call_id, ext in pairs:
        if call_id in served:
            acd.ring_stopped(ext)
            continue
        queue = next(w.queue for w in acd.waiting if w.call_id == call_id)
        acd.answered(ext, call_id, now)
        acd.call_finished(ext, queue, now + rng.uniform(10, 300))
        acd.join(f"n{now}-{call_id}", rng.choice(QUEUES), now)
        served[call_id] = ext
    return len(served)


def decisions(strategy: str, members: dict[str, dict[str, int]], n: int, seed: int) -> list[int]:
    """Time n rounds in which one agent frees up and one caller is assigned."""
    rng = random.Random(seed)
    acd = make_acd(strategy, members, rng)
    for ext in AGENTS:
        acd.set_state(ext, AgentState.NOT_READY, now=0.0)
    times: list[int] = []
    for i in range(n):
        now = 1000.0 + i
        freed = AGENTS[rng.randrange(len(AGENTS))]
        acd.set_state(freed, AgentState.READY, now)
        took, pairs = timed_round(acd, now)
        assert len({c for c, _ in pairs}) == 1, pairs
        times.append(took)
        serve(acd, pairs, now, rng)
        acd.set_state(freed, AgentState.NOT_READY, now)
    return times


def bursts(
    strategy: str, members: dict[str, dict[str, int]], n: int, seed: int
) -> tuple[list[int], int]:
    """Time n rounds with all agents ready; return round times and callers assigned."""
    rng = random.Random(seed)
    acd = make_acd(strategy, members, rng)
    times: list[int] = []
    assigned = 0
    for i in range(n):
        now = 1000.0 + i
        took, pairs = timed_round(acd, now)
        times.append(took)
        assigned += serve(acd, pairs, now, rng)
    return times, assigned


def percentile(times: list[int], p: float) -> float:
    """Return the p-th percentile of times (ns) in µs."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] / 1000


def choose_cost(strategy: str, n: int) -> list[int]:
    """Time n calls of the strategy's choose() alone on 8 candidates (ns each)."""
    chooser = strategies.get(strategy, random.Random(0))
    candidates = [
        strategies.Candidate(str(i), float(i % 3), i % 3, i % 4, 60.0 * (i % 5), i)
        for i in range(8)
    ]
    caller = strategies.Caller("c1")
    times = []
    for _ in range(n):
        start = time.perf_counter_ns()
        [chosen, *_] = chooser.choose(candidates, caller, 1000.0)
        times.append(time.perf_counter_ns() - start)
        chooser.answered(chosen.extension)
    return times


def sort_cost_us() -> float:
    """Return the median time (µs) of sorting 500 waiting callers as a round does."""
    acd = make_acd("linear", topology(0), random.Random(0))
    times = []
    for _ in range(200):
        start = time.perf_counter_ns()
        sorted(acd.waiting, key=lambda w: (-w.priority, w.joined_at))
        times.append(time.perf_counter_ns() - start)
    return percentile(times, 0.5)


def main() -> None:
    """Parse arguments, run every strategy, print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--decisions", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    members = topology(args.seed)
    names = sorted(strategies.STRATEGIES)
    print(f"{len(AGENTS)} agents, {len(QUEUES)} queues, {WAITING} callers waiting")
    print(f"\ndecision: one agent frees, one caller assigned ({args.decisions} per strategy)")
    print(f"{'strategy':18}{'decisions/s':>12}{'p50 µs':>9}{'p99 µs':>9}  target p99 < 1 ms")
    for name in names:
        times = decisions(name, members, args.decisions, args.seed)
        p99 = percentile(times, 0.99)
        verdict = "met" if p99 < TARGET_P99_US else "MISSED"
        rate = len(times) / (sum(times) / 1e9)
        print(f"{name:18}{rate:12.0f}{percentile(times, 0.5):9.0f}{p99:9.0f}  {verdict}")
    print(f"\nburst: all agents ready, one round hands them all out ({args.rounds} rounds)")
    print(f"{'strategy':18}{'rounds/s':>12}{'p50 µs':>9}{'p99 µs':>9}{'callers/round':>15}")
    for name in names:
        times, assigned = bursts(name, members, args.rounds, args.seed)
        rate = len(times) / (sum(times) / 1e9)
        line = f"{name:18}{rate:12.0f}{percentile(times, 0.5):9.0f}{percentile(times, 0.99):9.0f}"
        print(f"{line}{assigned / len(times):15.1f}")
    print(f"\nchoose() alone, 8 candidates ({args.decisions} calls)")
    print(f"{'strategy':18}{'p50 µs':>9}{'p99 µs':>9}")
    for name in names:
        times = choose_cost(name, args.decisions)
        print(f"{name:18}{percentile(times, 0.5):9.1f}{percentile(times, 0.99):9.1f}")
    print(f"\nsorting {WAITING} waiting callers alone: {sort_cost_us():.0f} µs (median)")


if __name__ == "__main__":
    main()
