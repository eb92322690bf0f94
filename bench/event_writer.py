"""Benchmark the call-event writer: how many events per second reach the disk, durably.

Appends events as a busy engine would (a call is about 12 events; 100 calls/s is
≈1,200 events/s) and prints the rate the writer commits at, the batch size it
settles on and the delay from append to publish.  SQLite in WAL mode with
synchronous=FULL, on the disk the temporary folder is on.  Bounded: --events.

    .venv/bin/python bench/event_writer.py [--events 60000] [--rate 0 (as fast as possible)]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from appliance.config import load
from appliance.store.manager import open_store
from appliance.store.writer import EventWriter


def run(events: int, rate: float, folder: Path) -> dict[str, float]:
    """Append events (paced at rate/s, 0 = unpaced) and return the figures."""
    settings = load(
        config_file=folder / "none.yml", env={}, overrides={"paths": {"var": str(folder)}}
    )
    database = open_store(settings)
    delays: list[float] = []

    def published(batch: list[dict[str, Any]]) -> None:
        now = time.time()
        delays.extend(now - e["at"] for e in batch)

    writer = EventWriter(database, published)
    writer.start()
    start = time.perf_counter()
    for i in range(events):
        writer.event(f"call-{i // 12}", "ivr.prompt", {"prompt": "welcome", "n": i})
        if rate:
            time.sleep(max(0.0, start + (i + 1) / rate - time.perf_counter()))
    appended = time.perf_counter() - start
    writer.flush(120)
    total = time.perf_counter() - start
    writer.stop()
    delays.sort()
    return {
        "events": events,
        "append_seconds": appended,
        "events_per_second": events / total,
        "calls_per_second_equivalent": events / total / 12,
        "batches": writer.committed_batches,
        "mean_batch": events / max(1, writer.committed_batches),
        "publish_delay_ms_p50": 1000 * statistics.median(delays),
        "publish_delay_ms_p99": 1000 * delays[int(len(delays) * 0.99) - 1],
    }


def main() -> None:
    """Parse arguments, run, print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=60000)
    ap.add_argument("--rate", type=float, default=0.0, help="events/s to append (0: unpaced)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args.events, args.rate, Path(tmp))
    for name, value in figures.items():
        print(f"{name:32} {value:12.1f}")


if __name__ == "__main__":
    main()
