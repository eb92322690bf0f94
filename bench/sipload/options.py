"""Say what one benchmark run does: its options, their defaults and the command line."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .const import TARGET_CONCURRENT, TARGET_RATE


@dataclass
class Options:
    """What one benchmark run does."""

    concurrency: int = 0  # concurrency mode when > 0
    calls: int = 0  # throughput mode when > 0
    rate: float = 0.0  # calls per second (0: 20 in concurrency mode, 100 in throughput mode)
    hold: float = -1.0  # talk seconds per call (-1: 30 concurrency, 3 throughput)
    record: bool = True
    agents: int = 0  # 0: derived from the load
    deadline: float = 0.0  # overall seconds (0: derived)
    dtmf_ms: int = 300  # after answer; the IVR keeps typed-ahead digits for its menu
    var: Path | None = None  # working folder (default: a new temporary folder)
    keep: bool = False  # keep the working folder (it is always kept when the run broke)
    json_path: Path | None = None
    quiet: bool = False

    @property
    def mode(self) -> str:
        """Return "throughput" or "concurrency"."""
        return "throughput" if self.calls > 0 else "concurrency"

    def resolve(self) -> Options:
        """Fill in the mode-dependent defaults; raise ValueError for a bad combination."""
        if self.calls > 0 and self.concurrency > 0:
            raise ValueError("give --concurrency or --calls, not both")
        if self.calls <= 0 and self.concurrency <= 0:
            self.concurrency = TARGET_CONCURRENT
        throughput = self.mode == "throughput"
        if self.rate <= 0:
            self.rate = TARGET_RATE if throughput else 20.0
        if self.hold < 0:
            self.hold = 3.0 if throughput else 30.0
        if self.agents <= 0:
            self.agents = self.default_agents()
        return self

    def default_agents(self) -> int:
        """Return enough agents for the load, with some slack."""
        if self.mode == "throughput":  # agents busy at once ≈ rate × (talk + ring/teardown)
            agents = math.ceil(self.rate * (self.hold + 1.0) * 1.3) + 10
            return min(agents, self.calls + 5)
        return self.concurrency + max(5, self.concurrency // 10)


def parser() -> argparse.ArgumentParser:
    """Return the command line's parser."""
    p = argparse.ArgumentParser(
        prog="bench/sip_load.py",
        description="SIP load benchmark of the callbox engine (SIPp callers, agents, IVR, queue).",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--concurrency", type=int, default=0, help="bridged calls to hold (default 200)"
    )
    mode.add_argument("--calls", type=int, default=0, help="throughput mode: calls in total")
    p.add_argument("--rate", type=float, default=0, help="calls/s (default 20, throughput 100)")
    p.add_argument("--hold", type=float, default=-1, help="talk seconds (default 30, throughput 3)")
    p.add_argument(
        "--no-record", dest="record", action="store_false", help="engine.record_calls=false"
    )
    p.add_argument("--agents", type=int, default=0, help="agents to register (default: from load)")
    p.add_argument(
        "--deadline", type=float, default=0, help="overall bound in s (default: from load)"
    )
    p.add_argument("--dtmf-ms", type=int, default=300, help="DTMF 2 this long after answer")
    p.add_argument("--var", type=Path, help="working folder (kept); default a temporary one")
    p.add_argument("--keep", action="store_true", help="keep the temporary working folder")
    p.add_argument("--json", dest="json_path", type=Path, help="also write the figures here")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def parse(argv: Sequence[str] | None) -> Options:
    """Return the options of a command line."""
    p = parser()
    opts = Options(**vars(p.parse_args(argv)))
    try:
        return opts.resolve()
    except ValueError as exc:
        p.error(str(exc))
        raise  # unreachable: error() exits
