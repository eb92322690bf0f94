"""Check that the database answers and is not damaged.

`SELECT 1` and a read of the schema version run every time (the latter reads the
file's first pages, so a clobbered file fails here).  `PRAGMA quick_check` reads
every page, so on a large
database it is not cheap: it runs at most once per QUICK_CHECK_INTERVAL per process
and its last verdict is reused in between.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from appliance.config import Settings
from appliance.health.result import CheckResult

NAME = "store"
ALERT_KEY = "service.store"  # not restarted: a damaged database needs a person
ALERT_KIND = "store_failed"
ALERT_SEVERITY = "critical"
QUICK_CHECK_INTERVAL = 300.0
_last_quick_check: dict[str, tuple[float, str]] = {}  # path → (when, verdict)
_lock = threading.Lock()


def check(settings: Settings) -> CheckResult:
    """Return healthy if the database answers SELECT 1 and its last quick_check was ok."""
    path = Path(settings.paths.database)
    if not path.exists():
        return CheckResult.failed(f"{path} does not exist: run `callbox init`")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
        try:
            conn.execute("SELECT 1").fetchone()
            version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
            verdict = _quick_check(conn, str(path))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return CheckResult.failed(f"{path}: {exc}")
    if verdict != "ok":
        return CheckResult.failed(f"{path}: quick_check says {verdict}")
    return CheckResult.passed(f"answers; schema v{version or 0}; quick_check ok")


def _quick_check(conn: sqlite3.Connection, key: str) -> str:
    """Return the quick_check verdict, running it only when the cached one is old."""
    with _lock:
        when, verdict = _last_quick_check.get(key, (0.0, ""))
        if time.monotonic() - when < QUICK_CHECK_INTERVAL and when:
            return verdict
        verdict = str(conn.execute("PRAGMA quick_check").fetchone()[0])
        _last_quick_check[key] = (time.monotonic(), verdict)
        return verdict
