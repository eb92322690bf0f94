"""Agents logged in per interval of a day, from the engine's agent.state events."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from appliance.reports.presence import logged_in_during, logged_in_per_interval
from appliance.store.models import CallEvent

DAY = date(2026, 3, 10)
STARTS = ["00:00", "08:00", "09:00", "12:00", "18:00"]  # uneven slots: the function takes any


def utc(hhmm: str, day: date = DAY) -> float:
    """Return the UNIX time of hh:mm UTC on day."""
    return datetime.fromisoformat(f"{day} {hhmm}").replace(tzinfo=UTC).timestamp()


def state(extension: str, at: float, value: str) -> None:
    """Store an agent.state event as the engine writes it."""
    CallEvent.create(call_id="", at=at, kind="agent.state", leg=extension,
                     data={"agent": extension, "state": value, "reason": ""})  # fmt: skip


def test_logged_in_at_the_start_or_at_a_moment_of_the_interval() -> None:
    changes = [(10.0, "ready"), (20.0, "logged_out"), (35.0, "not_ready")]
    assert not logged_in_during(changes, 0, 10)
    assert logged_in_during(changes, 10, 15)
    assert not logged_in_during(changes, 20, 30)
    assert logged_in_during(changes, 30, 40)  # logged in at 35
    assert not logged_in_during([], 0, 100)


@pytest.mark.usefixtures("store")
def test_a_day_counted_from_the_events_and_the_state_before_it() -> None:
    state("1001", utc("17:00", date(2026, 3, 9)), "ready")  # logged in since the day before
    state("1001", utc("12:30"), "logged_out")
    state("1002", utc("08:15"), "ready")
    state("1002", utc("08:20"), "on_call")
    state("1002", utc("08:50"), "logged_out")
    state("1003", utc("10:00"), "ready")  # not asked for
    state("1001", utc("09:30"), "ready")  # ready again while logged in: still one agent
    counts = logged_in_per_interval(["1001", "1002"], DAY, STARTS, "UTC", utc("18:30"))
    assert counts == [1, 2, 1, 1, 0]


@pytest.mark.usefixtures("store")
def test_intervals_still_to_come_have_no_count() -> None:
    state("1001", utc("08:00"), "ready")
    assert logged_in_per_interval(["1001"], DAY, STARTS, "UTC", utc("10:00")) == [
        0, 1, 1, None, None]  # fmt: skip
