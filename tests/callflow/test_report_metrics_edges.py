"""Edges of the report metrics the golden logs do not reach: empty input, bad arguments."""

from __future__ import annotations

import pytest

from appliance.callflow import agent_metrics, csat, fcr, ivr_funnel, metrics


def test_components_of_two_halves_add_up_to_the_whole() -> None:
    rows = [
        {"outcome": "answered", "wait_seconds": 12.345, "talk_seconds": 60.0, "transfers": 1},
        {"outcome": "abandoned", "wait_seconds": 90.0},
        {"outcome": "abandoned", "wait_seconds": 1.0, "overflows": 2},
        {"outcome": "interrupted", "wait_seconds": 3.0, "direction": "callback"},
    ]
    whole = metrics.components(rows)
    assert metrics.components(rows[:2]) + metrics.components(rows[2:]) == whole
    assert (whole.longest_wait_ms, whole.answered_wait_ms, whole.overflowed) == (90000, 12345, 1)
    assert metrics.stats_from(whole) == metrics.queue_stats(rows)


def test_no_calls_give_no_means_or_rates() -> None:
    stats = metrics.queue_stats([])
    assert (stats.service_level, stats.app_queue_sl, stats.app_queue_sl2, stats.asa) == (
        None, None, None, None,
    )  # fmt: skip
    assert fcr.first_call_resolution([], 0, 1, 2) == fcr.FirstCallResolution()
    assert csat.csat([]) == csat.Csat()
    assert ivr_funnel.ivr_funnel([]) == {}


def test_an_agent_without_events_was_never_logged_in() -> None:
    figures = agent_metrics.agent_figures("201", [], 0.0, 3600.0)
    assert (figures.logged_in, figures.occupancy, figures.not_ready) == (0.0, None, {})


def test_csat_refuses_an_unknown_grouping() -> None:
    with pytest.raises(ValueError, match="group must be one of agent, queue, day"):
        csat.csat_by([], "week")


def test_a_call_without_ivr_entered_is_in_no_funnel() -> None:
    events = [{"call_id": "x", "at": 1.0, "kind": "ivr.prompt", "data": {"node": "menu"}}]
    assert ivr_funnel.ivr_funnel(events) == {}
