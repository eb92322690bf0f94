"""SIP load benchmark: real callers through the IVR and queue to agents, bridged and recorded.

Brings up a box (Kamailio + the engine, `tests/support/boxharness.Box`) in a temporary
folder on loopback, adds N agents to queue `support`, registers them through Kamailio with
SIPp, answers their calls with a second SIPp instance (UAS, RTP echo), and drives callers
with a third (UAC, continuous RTP, DTMF 2 into the queue) at the trunk.  It measures the
engine's CPU (psutil), the calls held, failures, RTP counts and loss from the `call.ended`
events, and prints a table and one summary line.  See bench/README.md.

Two modes:
  --concurrency C [--rate R] [--hold S]   ramp to C bridged calls at R/s, hold them S s
  --calls M --rate R [--hold S]           throughput: M calls at R/s, each talking S s

Every run is bounded: SIPp's own -m/-l/-timeout, and an overall deadline (--deadline) after
which everything is stopped.  The exit status is non-zero only if the run itself broke
(box did not start, agents did not register, the engine died, the deadline passed), never
for a slow result.

This file is the command line; the benchmark itself is the `sipload` package next to it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# bench/ is not a package: make `sipload` importable however this file is loaded.
BENCH = str(Path(__file__).resolve().parent)
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)

from sipload.exceptions import RunBroke  # noqa: E402
from sipload.options import Options, parse  # noqa: E402
from sipload.report import summary, table  # noqa: E402
from sipload.runner import run  # noqa: E402

__all__ = ["Options", "RunBroke", "main", "parse", "run", "summary", "table"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark from a command line; return the exit status."""
    opts = parse(argv)
    result = run(opts)
    if opts.json_path is not None:
        opts.json_path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    if "calls_placed" in result:
        print(table(opts, result))
    if "broke" in result:
        print_broke(result)
        return 1
    print(summary(opts, result))
    return 0


def print_broke(result: dict[str, Any]) -> None:
    """Say on stderr why the run broke, where its folder is kept and how the engine's log ends."""
    print(f"BROKE {result['load']}: {result['broke']}", file=sys.stderr)
    print(f"working folder kept: {result['var']}", file=sys.stderr)
    print("engine.log tail:\n" + result.get("engine_log_tail", ""), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
