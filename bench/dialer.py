"""Benchmark the dialer's pacing: a simulated 8-hour campaign, progressive against predictive.

Twenty agents (--agents) call an endless list for eight hours (--hours) on a simulated
clock, seeded (--seed), once progressive and once predictive, through the real
`appliance.dialer.selection.next_calls`.  The customers: the answer rate changes by
the hour, from 35 % in the morning to 15 % at midday and back (PROFILE); 8 % are busy,
4 % fail, the rest ring out after 25 s; an answer comes 3-15 s into ringing; a
connected call takes its agent for an exponential handling time (talk and wrap-up)
of mean 110 s (--aht).  An answered call that finds no ready agent is dropped.

Figures per mode: agent utilisation (share of logged-in time on calls), drop rate
(dropped / answered, the campaign's and the worst day's), dials, connected calls,
connects per agent-hour; then the utilisation ratio.  The target (issue 9):
predictive ≥ 1.3 × progressive utilisation with its drop rate under the 3 % cap.

    .venv/bin/python bench/dialer.py [--agents 20] [--hours 8] [--seed 1] [--seeds 1] [--json F]

Pure Python, no phone or database; bounded by the simulated hours (≈ 2 s per run here).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from appliance.dialer.campaign import Campaign
from appliance.dialer.const import Mode
from appliance.dialer.simulation import Customers, Outcomes, simulate
from appliance.dialer.windows import parse_window

PROFILE = (0.35, 0.30, 0.22, 0.15, 0.18, 0.25, 0.30, 0.35)  # answer rate, hour by hour from 09:00
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CAP = 0.03
TARGET_RATIO = 1.3


def answer_rate(seconds: float) -> float:
    """Return the customers' answer rate so many seconds into the run."""
    return PROFILE[int(seconds // 3600) % len(PROFILE)]


def run_mode(mode: Mode, agents: int, hours: int, seed: int, aht: float) -> dict[str, Any]:
    """Run one simulated campaign and return its figures."""
    window = parse_window({day: ["08:00-22:00"] for day in DAYS})
    campaign = Campaign(1, f"bench-{mode}", mode, window, drop_cap=CAP)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
    began = time.perf_counter()
    result = simulate(campaign, Customers(answer_rate, handle_seconds=aht), agents, start,
                      hours * 3600, seed)  # fmt: skip
    return figures(result, hours, time.perf_counter() - began)


def figures(result: Outcomes, hours: int, wall: float) -> dict[str, Any]:
    """Return a run's figures as printed and written to --json."""
    return {
        "utilisation": result.utilisation,
        "drop_rate": result.drop_rate,
        "worst_day_drop_rate": max((d.rate() for d in result.by_day.values()), default=0.0),
        "worst_hour_drop_rate": max(result.drop_rate_by_hour, default=0.0),
        "dials": result.dials,
        "answered": result.answered,
        "connected": result.connected,
        "dropped": result.dropped,
        "connects_per_agent_hour": result.connected / (result.agents * hours),
        "most_in_flight": result.most_in_flight,
        "wall_seconds": wall,
    }


def main() -> None:
    """Run both modes for each seed, print the figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--hours", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=int, default=1, help="runs, seeds seed..seed+n-1")
    parser.add_argument("--aht", type=float, default=110.0, help="mean handling seconds")
    parser.add_argument("--json", help="write every figure to this file")
    options = parser.parse_args()
    runs = [run_seed(options, seed) for seed in range(options.seed, options.seed + options.seeds)]
    if options.json:
        with open(options.json, "w", encoding="utf-8") as out:
            json.dump({"options": vars(options), "runs": runs}, out, indent=2)


def run_seed(options: argparse.Namespace, seed: int) -> dict[str, Any]:
    """Run progressive and predictive with one seed; print and return their figures."""
    both = {mode.value: run_mode(mode, options.agents, options.hours, seed, options.aht)
            for mode in (Mode.PROGRESSIVE, Mode.PREDICTIVE)}  # fmt: skip
    print(f"seed {seed}: {options.agents} agents, {options.hours} h, AHT {options.aht:.0f} s")
    print(f"  {'mode':<12} {'util':>6} {'drops':>6} {'worst day':>9} {'dials':>6} "
          f"{'connected':>9} {'per agent-h':>11}")  # fmt: skip
    for mode, f in both.items():
        print(f"  {mode:<12} {f['utilisation']:6.1%} {f['drop_rate']:6.2%} "
              f"{f['worst_day_drop_rate']:9.2%} {f['dials']:6d} {f['connected']:9d} "
              f"{f['connects_per_agent_hour']:11.1f}")  # fmt: skip
    ratio = both["predictive"]["utilisation"] / both["progressive"]["utilisation"]
    met = ratio >= TARGET_RATIO and both["predictive"]["worst_day_drop_rate"] < CAP
    print(
        f"  RESULT ratio {ratio:.2f} (target ≥ {TARGET_RATIO}), predictive drops "
        f"{both['predictive']['drop_rate']:.2%} (cap {CAP:.0%}): {'met' if met else 'NOT met'}"
    )
    return {"seed": seed, "ratio": ratio, "met": met, **both}


if __name__ == "__main__":
    main()
