"""Queue metrics: today's counts and the service level over CDR rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from appliance.callflow import metrics


def cdr(outcome: str, wait: float, queue: str = "support", at: float = 0.0) -> dict[str, Any]:
    """Return a CDR row as the store holds it."""
    return {"queue": queue, "outcome": outcome, "wait_seconds": wait, "started_at": at}


def test_no_calls_has_no_service_level() -> None:
    day = metrics.queue_day([])
    assert day == metrics.QueueDay(0, 0, 0, 0, None)
    assert metrics.service_level(0, 0, 0) is None


def test_service_level_counts_answered_within_the_threshold() -> None:
    rows = [cdr("answered", 5), cdr("answered", 20), cdr("answered", 21), cdr("abandoned", 30)]
    day = metrics.queue_day(rows, threshold=20)
    assert (day.answered, day.answered_in_threshold, day.abandoned) == (3, 2, 1)
    assert day.service_level == 50.0  # 2 / (3 + 1)


def test_short_abandons_count_neither_way() -> None:
    rows = [cdr("answered", 3), cdr("abandoned", 4.9), cdr("abandoned", 2)]
    day = metrics.queue_day(rows, threshold=20, short_abandon=5)
    assert (day.abandoned, day.short_abandoned) == (2, 2)
    assert day.service_level == 100.0


def test_only_short_abandons_has_no_service_level() -> None:
    day = metrics.queue_day([cdr("abandoned", 1)], short_abandon=5)
    assert day.abandoned == 1
    assert day.service_level is None


def test_other_outcomes_are_left_out() -> None:
    rows = [cdr(o, 40) for o in ("failed", "voicemail", "callback", "forwarded", "interrupted")]
    assert metrics.queue_day([*rows, cdr("answered", 1)]).service_level == 100.0


def test_every_queue_named_is_in_the_result() -> None:
    rows = [cdr("answered", 1, "sales"), cdr("abandoned", 60, "support"), cdr("answered", 1, "x")]
    days = metrics.queues_day(rows, {"support": 20, "sales": 20, "vip": 10})
    assert set(days) == {"support", "sales", "vip"}
    assert days["support"].service_level == 0.0
    assert days["sales"].service_level == 100.0
    assert days["vip"] == metrics.QueueDay()


def local(timezone: str, *parts: int) -> float:
    """Return the UNIX seconds of a wall-clock time in timezone."""
    return datetime(*parts, tzinfo=ZoneInfo(timezone)).timestamp()  # type: ignore[misc]


@pytest.mark.parametrize("timezone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_today_starts_at_local_midnight(timezone: str) -> None:
    now = local(timezone, 2026, 3, 5, 9, 30)
    start, end = metrics.day_bounds(now, timezone)
    assert start == local(timezone, 2026, 3, 5, 0, 0)
    assert end == local(timezone, 2026, 3, 6, 0, 0)


def test_a_call_crossing_midnight_counts_for_the_day_it_started() -> None:
    tz = "Asia/Shanghai"  # 00:00 in Shanghai is 16:00 UTC the day before
    before = cdr("answered", 20, at=local(tz, 2026, 3, 4, 23, 59, 50))  # answered at 00:00:10
    after = cdr("abandoned", 30, at=local(tz, 2026, 3, 5, 0, 0, 5))
    start, end = metrics.day_bounds(local(tz, 2026, 3, 5, 8, 0), tz)
    today = metrics.started_within([before, after], start, end)
    assert today == [after]
    assert metrics.queue_day(today).service_level == 0.0


def test_a_short_day_when_clocks_go_forward() -> None:
    tz = "America/New_York"  # 2026-03-08 has 23 hours there
    start, end = metrics.day_bounds(local(tz, 2026, 3, 8, 12, 0), tz)
    assert end - start == 23 * 3600
