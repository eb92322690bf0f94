"""`callbox rollups`: build the report rollups that are missing, or rebuild recent days."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

Runner = Callable[..., subprocess.CompletedProcess[str]]


def test_rollups_builds_what_is_missing_then_nothing(callbox: Runner, var_dir: Path) -> None:
    assert callbox("init").returncode == 0
    database = next(var_dir.rglob("callbox.db"))
    two_hours_ago = time.time() - 7200
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        conn.execute(
            "INSERT INTO cdr (call_id, started_at, ended_at, from_number, to_number, direction,"
            " queue, outcome, wait_seconds, talk_seconds)"
            " VALUES ('c1', ?, ?, '', '', 'inbound', 'sales', 'abandoned', 30, 0)",
            (two_hours_ago, two_hours_ago + 30),
        )
    first = callbox("rollups")
    assert first.returncode == 0, first.stderr
    # from the call's interval to the last one over an hour ago: 3600 s, 2 intervals
    assert first.stdout.strip() == "2 interval(s) built"
    assert callbox("rollups").stdout.strip() == "0 interval(s) built"
    again = callbox("rollups", "--days", "1")
    assert again.returncode == 0 and int(again.stdout.split()[0]) >= 48
    with contextlib.closing(sqlite3.connect(database)) as conn:
        total = conn.execute("SELECT SUM(offered) FROM queue_rollup WHERE threshold = 20")
        assert total.fetchone() == (1,)
