"""Benchmark the reports: a year of calls (1,000,000 by default) in a fresh store.

Generates the CDRs (bulk insert, in time order, 4 queues, every outcome), builds the
interval rollups, then times the queue report (`queries.queue_report`) for a day, a
month and the year, the agent report and the period reports (by month, by day) of
the year, and a CSV export of a month (the csv module over `queries.cdr_rows`);
report times are the best of 3.  The day's and month's queue reports (and the
month's agent report) are also computed from the raw rows and checked to be
identical.  Not a timed test; bounded by --calls.  Target (issue 6): any report page
under 1 s on the year.

    .venv/bin/python bench/reports.py [--calls 1000000] [--days 365] [--keep DIR] [--json F]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from appliance.config import load
from appliance.reports import details, queries, rollups
from appliance.reports.queries import ReportFilter
from appliance.store.manager import open_store
from appliance.store.models import Queue

START = 1_767_196_800.0  # 2026-01-01 00:00 +08:00
ZONE = "Asia/Shanghai"
QUEUES = {"sales": 20, "support": 30, "billing": 20, "vip": 10}
OUTCOMES = ["answered"] * 80 + ["abandoned"] * 12 + ["voicemail", "callback", "failed"] * 2 + [
    "forwarded", "interrupted"
]  # fmt: skip
COLUMNS = (
    "call_id", "started_at", "ended_at", "from_number", "to_number", "direction", "queue",
    "agent", "wait_seconds", "talk_seconds", "outcome", "hold_seconds", "wrap_up_seconds",
    "transfers", "overflows",
)  # fmt: skip
CHUNK = 50_000


def calls(count: int, days: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """Yield count CDR rows spread evenly over days, in time order."""
    rng, step = random.Random(seed), days * 86400 / count
    queues = list(QUEUES)
    for n in range(count):
        at = round(START + n * step + rng.random() * step, 3)
        outcome, wait = rng.choice(OUTCOMES), round(rng.expovariate(1 / 25), 3)
        answered = outcome == "answered"
        talk = round(rng.expovariate(1 / 180), 3) if answered else 0.0
        hold = round(rng.choice([0.0, 0.0, 0.0, rng.uniform(5, 60)]), 3) if answered else 0.0
        yield (
            f"c{n}", at, at + wait + talk + hold, f"138{rng.randrange(10**8):08d}", "100",
            "inbound", rng.choice(queues), f"{200 + rng.randrange(40)}" if answered else None,
            wait, talk, outcome, hold, 10.0 if answered else 0.0,
            int(rng.random() < 0.05), int(rng.random() < 0.03),
        )  # fmt: skip


def fill(database: Any, count: int, days: int, seed: int) -> None:
    """Insert the calls in chunks, one transaction each (no fsync per chunk)."""
    database.execute_sql("PRAGMA synchronous=OFF")  # a throwaway store: speed over safety
    sql = f"INSERT INTO cdr ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    rows = calls(count, days, seed)
    while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
        with database.atomic():
            database.cursor().executemany(sql, chunk)
    database.execute_sql("PRAGMA synchronous=FULL")


def timed(func: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Return the best of repeat runs' seconds, and the result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - began)
    return best, result


def export_csv(report: ReportFilter, path: Path) -> int:
    """Write the filter's CDRs as CSV; return the rows written."""
    rows = queries.cdr_rows(report)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=queries.CDR_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def run(count: int, days: int, folder: Path, seed: int = 1) -> dict[str, float]:
    """Fill a fresh store in folder, build the rollups, time the reports; return figures."""
    settings = load(folder / "none.yml", env={}, overrides={"paths": {"var": str(folder)}})
    database = open_store(settings)
    for name, threshold in QUEUES.items():
        Queue.create(name=name, service_level_seconds=threshold)
    figures: dict[str, float] = {"calls": count, "days": days}
    began = time.perf_counter()
    fill(database, count, days, seed)
    figures["insert_s"] = time.perf_counter() - began
    end = START + days * 86400
    began = time.perf_counter()
    figures["intervals"] = rollups.refresh(end + rollups.SETTLE_SECONDS, queries.thresholds())
    figures["rollup_build_s"] = time.perf_counter() - began
    ranges = {
        "day": ReportFilter(START + 86400 * (days // 2), START + 86400 * (days // 2 + 1)),
        "month": ReportFilter(START, START + 86400 * min(31, days)),
        "year": ReportFilter(START, end),
    }
    for name, report in ranges.items():
        figures[f"queue_report_{name}_s"], fast = timed(lambda r=report: queries.queue_report(r))
        if name != "year":  # the year's rows would not fit comfortably in memory
            raw_s, raw = timed(lambda r=report: queries.by_queue(queries.cdr_rows(r)), 1)
            figures[f"raw_{name}_s"] = raw_s
            figures[f"speedup_{name}"] = raw_s / figures[f"queue_report_{name}_s"]
            if fast != raw:
                raise SystemExit(f"the {name}'s report from rollups differs from the rows")
    figures["agent_report_year_s"], _ = timed(lambda: queries.agent_report(ranges["year"]))
    month_agents = queries.agent_report(ranges["month"])
    if month_agents != queries.by_agent(queries.cdr_rows(ranges["month"])):
        raise SystemExit("the month's agent report from rollups differs from the rows")
    for period in ("month", "day"):
        figures[f"period_report_year_by_{period}_s"], _ = timed(
            lambda p=period: queries.period_report(ranges["year"], p, ZONE)
        )
    figures["call_list_year_last_page_s"], _ = timed(  # the call detail page, deepest page
        lambda: details.page_of(ranges["year"], 10**9)
    )
    figures["csv_month_s"], figures["csv_month_rows"] = timed(
        lambda: export_csv(ranges["month"], folder / "month.csv"), 1
    )
    database.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", type=Path, help="Folder for the store, kept (default: temp).")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="callbox-bench-reports-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        figures = run(args.calls, args.days, folder)
    width = max(map(len, figures))
    for name, value in figures.items():
        print(
            f"{name:<{width}}  {value:,.3f}"
            if isinstance(value, float)
            else f"{name:<{width}}  {value:,}"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    reports = ("queue_report", "agent_report", "period_report")
    worst = max(v for k, v in figures.items() if k.startswith(reports))
    print(f"RESULT worst report on the {'year' if args.days >= 365 else 'range'}: {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
