"""`callbox campaign`: create, import a GBK list with its report, list, start/pause/stop, DNC."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

Runner = Callable[..., subprocess.CompletedProcess[str]]
GBK_LIST = Path(__file__).resolve().parents[1] / "dialer" / "files" / "contacts_gbk.csv"


def test_a_campaign_from_creation_to_stop(callbox: Runner, tmp_path: Path, var_dir: Path) -> None:
    """The whole life on the store, through the real command line, and its refusals."""
    assert callbox("init").returncode == 0
    made = callbox("campaign", "create", "回访", "--mode", "predictive", "--queue", "sales",
                   "--hours", "09:00-12:00,13:30-20:00", "--amd")  # fmt: skip
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(var_dir / "callbox.db") as conn:
        assert conn.execute("SELECT amd FROM campaign WHERE name = '回访'").fetchall() == [(1,)]
    imported = callbox("campaign", "import", "回访", str(GBK_LIST))
    assert imported.returncode == 0, imported.stderr
    lines = imported.stdout.splitlines()
    assert lines[0] == "8 rows (gb18030): 4 imported, 4 not imported"
    assert lines[1:] == [
        "row 5\t电话\tinvalid_number\t'12345'",
        "row 6\t电话\tduplicate_in_file\t'13800138000' (row 2)",
        "row 7\t\tblank\t''",
        "row 8\t电话\tbad_number\t'abc-def'",
    ]
    assert callbox("campaign", "dnc", "13800138000").stdout.strip() == (
        "+8613800138000 is not to be called"
    )
    assert callbox("campaign", "start", "回访").stdout.strip() == "campaign 回访 running"
    assert callbox("campaign", "pause", "回访").returncode == 0
    listed = callbox("campaign", "list").stdout.strip()
    assert listed == "回访\tpredictive\tpaused\t0/4 done\t0 attempts"
    timed = callbox("campaign", "times", "回访", "--start-at", "2030-01-02 09:00",
                    "--stop-at", "2030-01-02 18:30")  # fmt: skip
    assert (
        timed.stdout.strip() == "campaign 回访: start 2030-01-02 09:00, stop 2030-01-02 18:30 (UTC)"
    )
    backwards = callbox("campaign", "times", "回访", "--stop-at", "2030-01-02 08:00")
    assert backwards.returncode == 2
    assert backwards.stderr.strip() == "callbox: the stop time must come after the start time"
    not_a_time = callbox("campaign", "times", "回访", "--start-at", "tomorrow")
    assert not_a_time.stderr.strip() == "callbox: 'tomorrow' is not a time: use YYYY-MM-DD HH:MM"
    cleared = callbox("campaign", "times", "回访", "--clear", "--stop-at", "2030-01-03 18:00")
    assert cleared.stdout.strip() == "campaign 回访: start -, stop 2030-01-03 18:00 (UTC)"
    assert callbox("campaign", "stop", "回访").returncode == 0
    again = callbox("campaign", "start", "回访")
    assert again.returncode == 2
    assert again.stderr.strip() == "callbox: campaign '回访' is stopped; it cannot be made running"
    # Refusals: one line each, exit status 2, nothing changed (one box: `init` is slow).
    bad_hours = callbox("campaign", "create", "x", "--hours", "9-17")
    assert bad_hours.returncode == 2 and "9-17" in bad_hours.stderr
    garbage = tmp_path / "list.csv"
    garbage.write_bytes(b"\xff\xfe\xfd" * 40)
    unknown = callbox("campaign", "import", "nope", str(garbage))
    assert unknown.returncode == 2 and "no campaign named 'nope'" in unknown.stderr
    unreadable = callbox("campaign", "import", "回访", str(garbage))
    assert unreadable.returncode == 2
    assert unreadable.stderr.startswith("callbox: unknown text encoding")
    assert callbox("campaign", "list").stdout.strip() == listed.replace("paused", "stopped")
