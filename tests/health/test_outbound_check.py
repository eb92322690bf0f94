"""The toll-fraud watch: calls out that jump, go abroad in number, or are refused a lot."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database

from appliance.config import Settings, load
from appliance.health import alerts
from appliance.health.actions import Actions
from appliance.health.checks import discover, outbound
from appliance.store.manager import open_store
from appliance.store.models import CallEvent

NOW = 1_780_000_000.0  # a fixed clock: the check is given its own "now"
DAY = 86400.0


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings on a temporary folder, thresholds small enough to reach."""
    env = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_DIALING__ALERT_MIN_CALLS": "5",
        "CALLBOX_DIALING__ALERT_INTERNATIONAL_CALLS": "2",
        "CALLBOX_DIALING__ALERT_REFUSED_CALLS": "3",
        "CALLBOX_WATCHDOG__RESTART_GRACE_SECONDS": "0",
    }
    return load(tmp_path / "absent.yml", env=env)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """Return the store, opened and migrated."""
    db = open_store(settings)
    yield db
    db.close()


def routed(at: float, number: str = "075512345678", call_class: str = "national") -> None:
    """Store one call out routed at the time given."""
    data = {"number": number, "route": "out", "class": call_class, "emergency": False}
    CallEvent.create(call_id=f"c{at}-{number}", at=at, kind="outbound.routed", data=data)


def verdict(settings: Settings, now: float = NOW) -> outbound.CheckResult:
    """Return the check's verdict on the store at the time given."""
    conn = sqlite3.connect(settings.paths.database)
    try:
        return outbound.evaluate(conn, settings, now)
    finally:
        conn.close()


def test_a_busy_hour_that_is_usual_for_the_time_of_day_is_no_alert(
    settings: Settings, database: Database
) -> None:
    for day in range(1, 8):  # every morning of last week: 8 calls in this hour
        for i in range(8):
            routed(NOW - day * DAY - 60 * (i + 1))
    for i in range(12):  # today 12: more, but not 3 × 8
        routed(NOW - 60 * (i + 1))
    result = verdict(settings)
    assert result.ok, result.detail
    assert "12 calls out in 60 min (usual 8.0)" in result.detail


def test_a_jump_over_the_usual_is_an_alert_with_the_figures(
    settings: Settings, database: Database
) -> None:
    for day in range(1, 8):
        routed(NOW - day * DAY - 600)  # one call a morning
    for i in range(9):
        routed(NOW - 60 * (i + 1))
    result = verdict(settings)
    (finding,) = result.findings
    assert (finding.key, finding.kind) == ("outbound.volume", "outbound_volume")
    assert finding.params == {"window_minutes": 60, "calls": 9, "usual": 1.0}
    old = verdict(settings, NOW + 3600)  # an hour later the window has moved past them
    assert old.ok


def test_international_and_premium_calls_raise_a_critical_alert_naming_numbers(
    settings: Settings, database: Database
) -> None:
    routed(NOW - 60, "00882161234567", "international")
    routed(NOW - 120, "00882161234567", "international")
    routed(NOW - 180, "0044207946000", "international")
    routed(NOW - 240, "110", "international")  # emergency: never counted
    CallEvent.update(data={"number": "110", "class": "international", "emergency": True}).where(
        CallEvent.call_id == f"c{NOW - 240}-110"
    ).execute()
    (finding,) = verdict(settings).findings
    assert finding.key == "outbound.international" and finding.severity == "critical"
    assert finding.params["calls"] == 3
    assert finding.params["numbers"] == "0044207946000, 00882161234567"


def test_many_refused_calls_out_are_an_alert(settings: Settings, database: Database) -> None:
    for i in range(4):
        data = {"number": "0088216", "reason": "international calls are not allowed"}
        CallEvent.create(call_id=f"r{i}", at=NOW - 30 * (i + 1), kind="outbound.refused", data=data)
    (finding,) = verdict(settings).findings
    assert (finding.key, finding.params["calls"]) == ("outbound.refused", 4)


def test_the_watchdog_raises_the_alerts_and_clears_them_when_the_hour_is_quiet(
    settings: Settings, database: Database
) -> None:
    now = time.time()
    for i in range(3):
        routed(now - 10 * (i + 1), "00882161234567", "international")
    outbound._cache.clear()
    result = outbound.check(settings)
    assert not result.ok
    actions = Actions(settings, database)
    for _ in range(settings.watchdog.failures_before_action):
        actions.apply(discover(), {"outbound": result})
    (alert,) = alerts.active()
    assert (alert.key, alert.kind, alert.severity) == (
        "outbound.international",
        "outbound_international",
        "critical",
    )
    cleared = actions.apply(discover(), {"outbound": outbound.CheckResult.passed()})
    assert cleared == ["outbound.international"]


def test_a_window_of_zero_minutes_is_refused_at_load(tmp_path: Path) -> None:
    from appliance.config import ConfigError

    env = {"CALLBOX_PATHS__VAR": str(tmp_path), "CALLBOX_DIALING__ALERT_WINDOW_MINUTES": "0"}
    with pytest.raises(ConfigError, match="alert_window_minutes"):
        load(tmp_path / "absent.yml", env=env)
