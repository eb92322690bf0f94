"""Staffing forecast: Erlang C against reference values, and the forecast over CDR rows."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from appliance.callflow import staffing

NEW_YORK = ZoneInfo("America/New_York")
SUNDAY = 6


def erlang_c_by_factorials(agents: int, load: float) -> float:
    """Return Erlang C straight from the textbook formula (fine for small agent counts)."""
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    below = sum(load**k / math.factorial(k) for k in range(agents))
    return top / (below + top)


# The textbook case: 100 calls per 30 minutes, AHT 180 s = 10 Erlangs, target 80 % in 20 s.
# Published results (pyworkforce ErlangC tutorial, the Call Centre Helper worked example,
# same inputs with 85 % max occupancy and 30 % shrinkage): 14 agents raw, 20 scheduled,
# service level 0.888, occupancy 0.714, P(wait) 0.174.  13 agents fall just short (0.796).
# Call Centre Helper's first step, 11 agents: P(wait) 0.6821, service level 39 %.
TEXTBOOK = {"calls": 100, "interval_s": 1800, "aht_s": 180}


@pytest.mark.parametrize(
    ("agents", "p_wait", "level"),
    [(11, 0.682, 0.390), (12, 0.449, 0.640), (13, 0.285, 0.796), (14, 0.174, 0.888)],
)
def test_erlang_c_matches_the_textbook_case(agents: int, p_wait: float, level: float) -> None:
    assert staffing.erlang_c(agents, 10.0) == pytest.approx(erlang_c_by_factorials(agents, 10.0))
    assert staffing.erlang_c(agents, 10.0) == pytest.approx(p_wait, abs=5e-4)
    assert staffing.service_level(agents, target_s=20, **TEXTBOOK) == pytest.approx(level, abs=5e-4)


def test_textbook_case_needs_14_agents_and_20_with_30_percent_shrinkage() -> None:
    result = staffing.agents_needed(
        100, 1800, 180, target_sl=0.8, target_s=20, shrinkage=0.3, max_occupancy=0.85
    )
    assert (result.agents, result.scheduled) == (14, 20)  # 14 / 0.7 is 20, not 21
    assert result.service_level == pytest.approx(0.888, abs=5e-4)
    assert result.occupancy == pytest.approx(10 / 14)
    expected_asa = erlang_c_by_factorials(14, 10.0) * 180 / (14 - 10)
    assert result.asa == pytest.approx(expected_asa)  # about 7.8 s


def test_without_shrinkage_scheduled_equals_agents() -> None:
    result = staffing.agents_needed(100, 1800, 180, target_sl=0.8, target_s=20)
    assert (result.agents, result.scheduled) == (14, 14)


def test_max_occupancy_raises_the_count() -> None:
    capped = staffing.agents_needed(100, 1800, 180, 0.8, 20, max_occupancy=0.7)
    assert capped.agents == 15  # 10 Erlangs / 0.7 = 14.3
    assert capped.occupancy <= 0.7


def test_large_traffic_stays_finite_and_monotone() -> None:
    previous = 1.0
    for agents in range(501, 560):
        wait = staffing.erlang_c(agents, 500.0)
        assert math.isfinite(wait) and 0.0 <= wait <= previous
        previous = wait
    result = staffing.agents_needed(10_000, 1800, 90, 0.8, 20)  # 500 Erlangs
    assert 500 < result.agents < 560 and result.service_level >= 0.8
    assert staffing.service_level(result.agents - 1, 10_000, 1800, 90, 20) < 0.8


def test_too_few_agents_means_every_call_waits() -> None:
    assert staffing.erlang_c(10, 10.0) == 1.0
    assert staffing.service_level(9, 100, 1800, 180, 20) == 0.0
    assert staffing.average_speed_of_answer(10, 100, 1800, 180) == math.inf
    assert staffing.occupancy(9, 100, 1800, 180) == 1.0


def test_zero_calls_need_no_agents() -> None:
    assert staffing.agents_needed(0, 1800, 180, 0.8, 20, shrinkage=0.3) == staffing.Staffing(
        0, 0, 1.0, 0.0, 0.0
    )
    assert staffing.erlang_c(0, 0.0) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"calls": -1}, "calls"),
        ({"interval_s": 0}, "interval_s"),
        ({"aht_s": -5}, "aht_s"),
        ({"target_sl": 0}, "target_sl"),
        ({"target_sl": 1.0}, "target_sl"),
        ({"target_s": -1}, "target_s"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"shrinkage": -0.1}, "shrinkage"),
        ({"max_occupancy": 0}, "max_occupancy"),
        ({"max_occupancy": 1.5}, "max_occupancy"),
    ],
)
def test_invalid_inputs_name_the_argument(kwargs: dict[str, float], name: str) -> None:
    args: dict[str, Any] = {"calls": 100, "interval_s": 1800, "aht_s": 180}
    args |= {"target_sl": 0.8, "target_s": 20} | kwargs
    with pytest.raises(ValueError, match=name):
        staffing.agents_needed(**args)


def test_erlang_c_refuses_negative_arguments() -> None:
    with pytest.raises(ValueError, match="agents"):
        staffing.erlang_c(-1, 1.0)
    with pytest.raises(ValueError, match="traffic_erlangs"):
        staffing.erlang_c(3, -1.0)


def at(*args: int) -> float:
    """Return the UNIX time of a New York wall-clock moment (fold=0: the first one)."""
    return datetime(*args, tzinfo=NEW_YORK).timestamp()


def cdr(started: float, outcome: str = "answered", talk: float = 100.0, **more: Any) -> dict:
    """Return a CDR row as the store holds it."""
    return {"started_at": started, "outcome": outcome, "talk_seconds": talk} | more


# Clocks went back in New York on Sunday 2026-11-01 (02:00 EDT → 01:00 EST): that Sunday
# has 25 hours.  "now" is the Tuesday after, so the last two Sundays are Nov 1 and Oct 25.
NOW = at(2026, 11, 3, 12, 0)
HISTORY = [
    cdr(at(2026, 10, 25, 9, 10), talk=100),  # EDT
    cdr(at(2026, 11, 1, 9, 10), talk=200),  # EST: still 09:00 on the wall clock
    cdr(at(2026, 11, 1, 9, 29, 59), "abandoned", talk=0),  # last second of 09:00
    cdr(at(2026, 11, 1, 9, 30), talk=300, hold_seconds=20, wrap_up_seconds=40),  # 09:30
    cdr(at(2026, 10, 25, 0, 0), talk=60),  # the Sunday's first second
    cdr(at(2026, 11, 1, 23, 59, 59), "abandoned"),  # the long Sunday's last second
    cdr(at(2026, 11, 2, 0, 0)),  # Monday: not a Sunday
    cdr(at(2026, 10, 24, 23, 59, 59)),  # Saturday
    cdr(at(2026, 10, 18, 9, 0)),  # a Sunday three weeks back: beyond weeks=2
    cdr(at(2026, 10, 27, 9, 0)),  # a Tuesday
]


def test_arrivals_average_the_same_weekday_in_local_wall_clock_intervals() -> None:
    calls = staffing.arrivals_per_interval(HISTORY, "America/New_York", SUNDAY, 2, NOW)
    assert len(calls) == 48
    assert calls["09:00"] == 1.5  # (1 + 2) / 2 weeks, across the clock change
    assert calls["09:30"] == 0.5
    assert calls["00:00"] == 0.5 and calls["23:30"] == 0.5
    assert sum(calls.values()) == 3.0  # 6 Sunday calls over 2 weeks


def test_the_repeated_hour_counts_in_its_wall_clock_interval() -> None:
    first = at(2026, 11, 1, 1, 40)  # 01:40 EDT
    second = datetime(2026, 11, 1, 1, 40, tzinfo=NEW_YORK, fold=1).timestamp()  # 01:40 EST
    assert second - first == 3600
    calls = staffing.arrivals_per_interval(
        [cdr(first), cdr(second)], "America/New_York", SUNDAY, 1, NOW
    )
    assert calls["01:30"] == 2.0


def test_today_is_left_out_and_weeks_go_back_from_yesterday() -> None:
    sunday_noon = at(2026, 11, 1, 12, 0)
    days = staffing.past_days("America/New_York", SUNDAY, 2, sunday_noon)
    assert [str(day) for day in days] == ["2026-10-25", "2026-10-18"]
    calls = staffing.arrivals_per_interval(HISTORY, "America/New_York", SUNDAY, 2, sunday_noon)
    assert calls["09:00"] == 1.0  # Oct 25 and Oct 18; today's calls do not count


def test_aht_sums_talk_hold_and_wrap_up_and_falls_back_to_the_range() -> None:
    aht = staffing.aht_per_interval(HISTORY, "America/New_York", SUNDAY, 2, NOW)
    assert aht["09:00"] == 150.0  # answered only: (100 + 200) / 2
    assert aht["09:30"] == 360.0  # 300 talk + 20 hold + 40 wrap-up
    range_aht = (100 + 200 + 360 + 60) / 4
    assert aht["12:00"] == range_aht and aht["23:30"] == range_aht  # no answered call there


def test_forecast_lists_intervals_with_agents_needed() -> None:
    rows = [cdr(at(2026, 11, 1, 10, minute), talk=180) for minute in range(30)]
    result = staffing.forecast(
        rows, "America/New_York", SUNDAY, NOW, weeks=1, interval_minutes=60, shrinkage=0.3
    )
    assert [interval.start for interval in result][:3] == ["00:00", "01:00", "02:00"]
    ten = result[10]
    assert (ten.start, ten.calls, ten.aht) == ("10:00", 30.0, 180.0)
    assert ten.staffing == staffing.agents_needed(30, 3600, 180, 0.8, 20, shrinkage=0.3)
    assert result[9].staffing == staffing.Staffing(0, 0, 1.0, 0.0, 0.0)


def test_forecast_without_answered_calls_has_no_staffing_where_calls_come() -> None:
    rows = [cdr(at(2026, 11, 1, 10, 5), "abandoned")]
    result = staffing.forecast(rows, "America/New_York", SUNDAY, NOW, weeks=1)
    assert result[20].aht is None and result[20].staffing is None
    assert result[0].staffing == staffing.Staffing(0, 0, 1.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"weekday": 7}, "weekday"), ({"weeks": 0}, "weeks"), ({"interval_minutes": 7}, "interval")],
)
def test_forecast_refuses_invalid_history_arguments(kwargs: dict[str, int], name: str) -> None:
    args: dict[str, Any] = {"tz": "America/New_York", "weekday": SUNDAY, "weeks": 2, "now": NOW}
    with pytest.raises(ValueError, match=name):
        staffing.arrivals_per_interval(HISTORY, **(args | kwargs))


def test_forecast_checks_the_goal_even_without_calls() -> None:
    with pytest.raises(ValueError, match="shrinkage"):
        staffing.forecast([], "America/New_York", SUNDAY, NOW, shrinkage=1.0)
