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

Callers call from 1,000 numbers, all customers: each has an owner agent, one in ten
a VIP tier (so a priority), and an agent who answered it a day ago (sticky).  Only
the `skills` strategy's queues require skills (one skill at level 1-3, widened after
30 and 60 s; agents have levels 0-5 in four skills), so the other strategies' figures
stay comparable with earlier runs; `sticky` and `owner` queues keep a caller up to
20 s for a busy preferred agent.

Then each strategy's `choose()` alone, sorting the 500 waiting callers alone, and
routing at queue entry (every queue with three rules and a five-region map, over the
500 waiting callers), to show where the time goes.  Rates are decisions (rounds) divided by
the time spent inside `assignments()`, not counting the benchmark's own bookkeeping.

Each `assignments()` call is timed with `time.perf_counter_ns`.  Bounded: --decisions
and --rounds per strategy.  Pure Python, no phone or database.

    .venv/bin/python bench/acd.py [--decisions 2000] [--rounds 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime

from appliance.callflow import strategies
from appliance.callflow.acd import Acd, AgentStatus, QueueConfig
from appliance.callflow.const import AgentState
from appliance.callflow.customers import CallerBook, Customer, Served
from appliance.callflow.routing import route

AGENTS = [str(2000 + i) for i in range(50)]
QUEUES = [f"q{i:02}" for i in range(20)]
QUEUES_PER_AGENT = 3
WAITING = 500
TARGET_P99_US = 1000.0
NUMBERS = [f"1380013{i:04}" for i in range(1000)]
SKILLS = ["billing", "tech", "zh", "en"]
REGIONS = ["Beijing", "Shanghai", "Guangdong", "Jiangsu", "Zhejiang"]


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


def caller_book(rng: random.Random) -> CallerBook:
    """Return customers for every number (owner, 1 in 10 a VIP) and who served them last."""
    customers = [
        Customer(n, owner=rng.choice(AGENTS), vip=rng.choice([0] * 9 + [1, 2])) for n in NUMBERS
    ]
    served = {n: Served(rng.choice(AGENTS), at=-86400.0) for n in NUMBERS}
    return CallerBook(customers, served)


def make_queue(
    name: str, strategy: str, members: dict[str, int], rng: random.Random
) -> QueueConfig:
    """Return a queue on strategy, requiring a skill if the strategy is skills-based."""
    queue = QueueConfig(name, strategy, members, preferred_wait_seconds=20)
    if strategy == "skills":
        queue.skills = {rng.choice(SKILLS): rng.randint(1, 3)}
        queue.skill_widen = [[30, 1], [60, 3]]
    return queue


def make_acd(strategy: str, members: dict[str, dict[str, int]], rng: random.Random) -> Acd:
    """Return an ACD with every queue on strategy, all agents ready and 500 waiting."""
    acd = Acd()
    agents = {
        e: AgentStatus(e, state=AgentState.READY, skills={s: rng.randint(0, 5) for s in SKILLS})
        for e in AGENTS
    }
    queues = [make_queue(q, strategy, m, rng) for q, m in members.items()]
    acd.configure(queues, agents, caller_book(rng))
    for i, ext in enumerate(AGENTS):
        acd.set_registered(ext, True, now=float(i))
    for i in range(WAITING):
        acd.join(f"c{i}", rng.choice(QUEUES), now=100.0 + i, number=rng.choice(NUMBERS))
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
        acd.join(f"n{now}-{call_id}", rng.choice(QUEUES), now, number=rng.choice(NUMBERS))
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
        assert len({c for c, _ in pairs}) <= 1, pairs
        # None only when the freed agent's skills are not enough for anyone yet.
        assert pairs or strategy == "skills", pairs
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


def route_cost(members: dict[str, dict[str, int]], n: int, seed: int) -> list[int]:
    """Time n routings at queue entry (ns each): rules and region maps over 500 waiting."""
    rng = random.Random(seed)
    acd = make_acd("longest_idle", members, rng)
    for i, queue in enumerate(acd.queues.values()):
        other = QUEUES[(i + 1) % len(QUEUES)]
        queue.rules = [
            {"conditions": [{"time": "00:00-06:00"}], "action": {"target": "queue:" + other}},
            {
                "conditions": [
                    {"metric": "waiting", "queue": queue.name, "op": ">", "value": 25},
                    {"metric": "idle", "queue": other, "op": ">=", "value": 4},
                ],
                "action": {"target": "queue:" + other},
            },
            {"conditions": [{"metric": "vip", "op": ">=", "value": 1}], "action": {"priority": 5}},
        ]
        queue.regions = {
            r: "queue:" + QUEUES[(i + j + 2) % len(QUEUES)] for j, r in enumerate(REGIONS)
        }
    acd.configure(list(acd.queues.values()), dict(acd.agents), acd.callers)
    clock = datetime(2025, 6, 2, 12, 0)
    times = []
    for _ in range(n):
        queue, number = rng.choice(QUEUES), rng.choice(NUMBERS)
        start = time.perf_counter_ns()
        route(acd, queue, number, 5000.0, clock)
        times.append(time.perf_counter_ns() - start)
    return times


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
    times = route_cost(members, args.decisions, args.seed)
    print(
        f"routing at queue entry (3 rules + 5 regions per queue, {args.decisions} callers):"
        f" p50 {percentile(times, 0.5):.0f} µs, p99 {percentile(times, 0.99):.0f} µs"
    )


if __name__ == "__main__":
    main()
