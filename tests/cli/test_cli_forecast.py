"""`callbox forecast`: a day's agents needed per interval for a queue, from its CDRs."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from appliance.callflow import staffing

Runner = Callable[..., subprocess.CompletedProcess[str]]


def add_calls(var_dir: Path, queue: str, starts: list[float], talk: float) -> int:
    """Insert answered CDRs for queue and return the queue's wrap-up seconds."""
    database = next(var_dir.rglob("callbox.db"))
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        for n, start in enumerate(starts):
            conn.execute(
                "INSERT INTO cdr (call_id, started_at, ended_at, from_number, to_number,"
                " direction, queue, agent, wait_seconds, talk_seconds, outcome, recording)"
                " VALUES (?, ?, ?, '', '', 'inbound', ?, '1001', 5, ?, 'answered', NULL)",
                (f"c{n}", start, start + talk, queue, talk),
            )
        row = conn.execute("SELECT wrap_up_seconds FROM queue WHERE name = ?", (queue,))
        return int(row.fetchone()[0])


def test_forecast_prints_the_intervals_with_calls(callbox: Runner, var_dir: Path) -> None:
    assert callbox("init", "--demo").returncode == 0
    sunday_ten = datetime(2026, 11, 1, 10, 0, tzinfo=UTC).timestamp()
    wrap_up = add_calls(var_dir, "support", [sunday_ten + 60 * m for m in range(30)], 180)
    result = callbox("forecast", "support", "--day", "2026-11-08", "--weeks", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("support on Sun 2026-11-08: 80 % within 20 s, shrinkage 30 %")
    expected = staffing.agents_needed(30, 1800, 180 + wrap_up, 0.8, 20, shrinkage=0.3)
    assert lines[2].split()[:5] == [
        "10:00",
        "30.0",
        f"{180 + wrap_up}",
        str(expected.agents),
        str(expected.scheduled),
    ]
    assert len(lines) == 3  # the other intervals had no calls


def test_forecast_without_history_or_queue(callbox: Runner) -> None:
    assert callbox("init", "--demo").returncode == 0
    empty = callbox("forecast", "sales", "--day", "2026-11-08")
    assert empty.returncode == 0
    assert empty.stdout.splitlines()[-1] == "no calls on Sundays in the last 4 weeks"
    unknown = callbox("forecast", "nope")
    assert unknown.returncode == 2 and "no queue 'nope'" in unknown.stderr
    bad = callbox("forecast", "sales", "--shrinkage", "100")
    assert bad.returncode == 2 and "shrinkage" in bad.stderr


def test_history_ends_today_or_at_a_past_day_asked_for() -> None:
    from appliance.forecast_report import forecast_day

    day, end = forecast_day(datetime(2020, 3, 8), "America/New_York")
    assert (str(day), end) == ("2020-03-08", datetime(2020, 3, 8, 5, tzinfo=UTC).timestamp())
    tomorrow, today_start = forecast_day(None, "UTC")
    today = datetime.now(UTC).date()
    assert (tomorrow - today).days == 1
    assert today_start == datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp()
