"""Recovery benchmark: how long each service takes to be healthy again after kill -9 under load.

Starts `callbox run` (the supervisor restarts a dead child) on loopback in a temporary
folder, then for each service, `--runs` times: a bounded SIPp caller load at the trunk
(`--rate` calls/s, `--calls` calls, each listening 1.5 s), kill -9 of the service two
seconds in, and the time until its health check (`appliance/health/checks`) passes on a
new process.  It also checks what the test checks: completed calls have CDRs, published
events are stored.  Prints one line per service (min / median / max seconds).

    .venv/bin/python bench/recovery.py [--runs 3] [--services engine,kamailio,web,scheduler]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests" / "support"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from kill_load import SERVICES, CallerLoad, EventTap, SupervisedBox  # noqa: E402


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Return the command line's options."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="kills per service (default 3)")
    ap.add_argument("--services", default=",".join(SERVICES), help="comma-separated")
    ap.add_argument("--rate", type=float, default=3.0, help="calls per second (default 3)")
    ap.add_argument("--calls", type=int, default=24, help="calls per run (default 24)")
    args = ap.parse_args(argv)
    args.services = [s for s in args.services.split(",") if s]
    unknown = set(args.services) - set(SERVICES)
    if unknown or not 1 <= args.runs <= 20:
        ap.error(f"services are {', '.join(SERVICES)}; runs 1..20 (got {unknown or args.runs})")
    return args


def one_run(box: SupervisedBox, service: str, folder: Path, rate: float, calls: int) -> float:
    """Kill the service once under load; return its recovery seconds (checking nothing is lost)."""
    tap = EventTap(box)
    load = CallerLoad(box, folder, rate, calls, 1500)
    time.sleep(2.0)
    seconds = box.kill_and_time(service)
    load.wait()
    time.sleep(1.0)
    cdrs = box.cdrs()
    missing = [n for n in load.completed() if n not in cdrs]
    lost = tap.keys() - box.stored_events()
    if missing or lost:
        raise SystemExit(f"{service}: {len(missing)} calls without CDR, {len(lost)} events lost")
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="callbox-recovery-") as tmp:
        box = SupervisedBox(Path(tmp) / "var")
        try:
            box.start()
            for service in args.services:
                times = [
                    one_run(box, service, Path(tmp) / f"{service}-{i}", args.rate, args.calls)
                    for i in range(args.runs)
                ]
                print(f"{service:<10} healthy again after kill -9: min {min(times):.2f} s, "
                      f"median {statistics.median(times):.2f} s, max {max(times):.2f} s "
                      f"({args.runs} runs, {args.rate:g} calls/s)", flush=True)  # fmt: skip
        finally:
            box.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
