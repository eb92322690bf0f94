"""Check that every call the engine holds has its events in the store.

A live call older than watchdog.call_quiet_seconds is stuck when the store has no
event of it at all (its events are lost) or already has its ``call.ended`` (the
engine kept legs of a call that ended).  The watchdog closes it with
``health.close_call``, which hangs up its legs and writes the end.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from appliance.config import Settings
from appliance.health.engine_state import NOT_CHECKED, ask
from appliance.health.result import CheckResult, Finding

NAME = "calls"
ALERT_PREFIXES = ("call.",)


def check(settings: Settings) -> CheckResult:
    """Return healthy if every live call past the grace period has events and no end."""
    answer = ask(settings, "health.live")
    if answer is None:
        return CheckResult.passed(NOT_CHECKED)
    old = [c for c in answer.get("calls", []) if _age(c) > settings.watchdog.call_quiet_seconds]
    kinds = _event_kinds(Path(settings.paths.database), [c["call_id"] for c in old])
    findings = [f for call in old if (f := _stuck(call, kinds.get(call["call_id"], set())))]
    if findings:
        return CheckResult.failed("; ".join(f.detail for f in findings), tuple(findings))
    return CheckResult.passed(f"{len(answer.get('calls', []))} live call(s), all with events")


def _age(call: dict[str, Any]) -> float:
    """Return how long ago the call started, in seconds."""
    return time.time() - float(call.get("started_at") or time.time())


def _event_kinds(database: Path, call_ids: list[str]) -> dict[str, set[str]]:
    """Return the kinds of event the store holds for each of the calls."""
    if not call_ids:
        return {}
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1.0)
    try:
        marks = ",".join("?" * len(call_ids))
        sql = f"SELECT DISTINCT call_id, kind FROM call_event WHERE call_id IN ({marks})"
        rows = conn.execute(sql, call_ids).fetchall()
    finally:
        conn.close()
    kinds: dict[str, set[str]] = {}
    for call_id, kind in rows:
        kinds.setdefault(call_id, set()).add(kind)
    return kinds


def _stuck(call: dict[str, Any], kinds: set[str]) -> Finding | None:
    """Return the finding for a live call without events or already ended, or None."""
    if kinds and "call.ended" not in kinds:
        return None
    why = "no_events" if not kinds else "already_ended"
    call_id = call["call_id"]
    params = {"call_id": call_id, "legs": call.get("legs", 0), "why": why}
    detail = f"call {call_id} with {call.get('legs', 0)} leg(s): {why.replace('_', ' ')}"
    return Finding(f"call.{call_id}", "call_stuck", params, detail, repair=("health.close_call",
                   {"call_id": call_id}))  # fmt: skip
