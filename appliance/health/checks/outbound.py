"""Toll-fraud watch: calls out that jump in number or go where calls rarely go.

A box whose extension password leaks is used to call premium and international numbers
for hours; the first sign is an hour unlike the others.  Over the last window
(`dialing.alert_window_minutes`) this check counts, from the engine's events:

- calls out routed (`outbound.routed`): too many when above both `alert_min_calls` and
  `alert_volume_factor` × the usual — the mean of the same time of day over the
  previous seven days (a busy Monday morning is not an alarm);
- of those, international and premium-rate ones (class ``international``): too many
  above `alert_international_calls` — raised critical;
- calls out refused (`outbound.refused`: class of service, hours, cap): many refusals
  mean someone is trying numbers they may not call.

It only alerts: what to block is the admin's decision (class of service, the trunk).
The counts read an index on (kind, at), and are cached for CACHE_SECONDS so the
watchdog's rounds every few seconds cost one query set a minute.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from appliance.config import Settings
from appliance.health.result import CheckResult, Finding

NAME = "outbound"
ALERT_PREFIXES = ("outbound.",)
CACHE_SECONDS = 60.0
HISTORY_DAYS = 7
DAY = 86400.0
SHOWN_NUMBERS = 5  # examples named in an alert
_cache: dict[str, tuple[float, CheckResult]] = {}
_lock = threading.Lock()


def check(settings: Settings) -> CheckResult:
    """Return healthy unless calls out jumped, went abroad in number, or were refused a lot."""
    path = Path(settings.paths.database)
    if not path.exists():
        return CheckResult.passed("no database yet")
    key = str(path)
    with _lock:
        when, result = _cache.get(key, (0.0, CheckResult.passed()))
        if when and time.monotonic() - when < CACHE_SECONDS:
            return result
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
    try:
        result = evaluate(conn, settings, time.time())
    finally:
        conn.close()
    with _lock:
        _cache[key] = (time.monotonic(), result)
    return result


def evaluate(conn: sqlite3.Connection, settings: Settings, now: float) -> CheckResult:
    """Return the verdict on the events up to now (public so tests give their own clock)."""
    d = settings.dialing
    window = d.alert_window_minutes * 60.0
    since = now - window
    routed = _count(conn, "outbound.routed", since, now)
    usual = (
        sum(
            _count(conn, "outbound.routed", since - day * DAY, now - day * DAY)
            for day in range(1, HISTORY_DAYS + 1)
        )
        / HISTORY_DAYS
    )
    findings: list[Finding] = []
    base: dict[str, object] = {"window_minutes": d.alert_window_minutes}
    if routed > d.alert_min_calls and routed > d.alert_volume_factor * usual:
        params = {**base, "calls": routed, "usual": round(usual, 1)}
        detail = f"{routed} calls out in {d.alert_window_minutes} min, usually {usual:.1f}"
        findings.append(Finding("outbound.volume", "outbound_volume", params, detail))
    abroad = _international(conn, since, now)
    if len(abroad) > d.alert_international_calls:
        numbers = sorted(set(abroad))[:SHOWN_NUMBERS]
        params = {**base, "calls": len(abroad), "numbers": ", ".join(numbers)}
        detail = f"{len(abroad)} international/premium calls in {d.alert_window_minutes} min"
        findings.append(
            Finding("outbound.international", "outbound_international", params, detail, "critical")
        )
    refused = _count(conn, "outbound.refused", since, now)
    if refused > d.alert_refused_calls:
        params = {**base, "calls": refused}
        detail = f"{refused} calls out refused in {d.alert_window_minutes} min"
        findings.append(Finding("outbound.refused", "outbound_refused", params, detail))
    if findings:
        return CheckResult.failed("; ".join(f.detail for f in findings), tuple(findings))
    return CheckResult.passed(
        f"{routed} calls out in {d.alert_window_minutes} min (usual {usual:.1f}), "
        f"{len(abroad)} international, {refused} refused"
    )


def _count(conn: sqlite3.Connection, kind: str, since: float, until: float) -> int:
    """Return how many events of kind fall in [since, until)."""
    sql = "SELECT COUNT(*) FROM call_event WHERE kind = ? AND at >= ? AND at < ?"
    return int(conn.execute(sql, (kind, since, until)).fetchone()[0])


def _international(conn: sqlite3.Connection, since: float, until: float) -> list[str]:
    """Return the numbers of the international (or premium) calls routed in the window."""
    sql = "SELECT data FROM call_event WHERE kind = 'outbound.routed' AND at >= ? AND at < ?"
    numbers = []
    for (data,) in conn.execute(sql, (since, until)):
        routed = json.loads(data or "{}")
        if routed.get("class") == "international" and not routed.get("emergency"):
            numbers.append(str(routed.get("number", "")))
    return numbers
