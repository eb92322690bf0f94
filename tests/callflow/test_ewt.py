"""The expected-wait estimator: rolling handle times, bounds, seeding."""

from __future__ import annotations

import pytest

from appliance.callflow.ewt import WaitEstimator, minutes


def test_no_history_or_nobody_serving_gives_no_estimate() -> None:
    ewt = WaitEstimator()
    assert ewt.expected_wait("q", position=1, serving=1) is None
    ewt.record("q", 120)
    assert ewt.expected_wait("q", position=1, serving=0) is None
    assert ewt.expected_wait("other", position=1, serving=1) is None


def test_estimate_scales_with_position_and_agents() -> None:
    ewt = WaitEstimator()
    for seconds in (60, 120, 180):
        ewt.record("q", seconds)
    assert ewt.mean_handle("q") == 120
    assert ewt.expected_wait("q", position=3, serving=1) == 360
    assert ewt.expected_wait("q", position=3, serving=2) == 180


def test_only_the_last_calls_count_and_samples_are_bounded() -> None:
    ewt = WaitEstimator(window=3, cap=600)
    for seconds in (1000, 10, 20, 30):
        ewt.record("q", seconds)
    assert ewt.mean_handle("q") == 20
    ewt.record("q", 99999)
    ewt.record("q", -5)  # a clock step: ignored
    assert ewt.mean_handle("q") == pytest.approx((20 + 30 + 600) / 3)
    assert ewt.expected_wait("q", position=100, serving=1) == 600


def test_seed_replaces_history() -> None:
    ewt = WaitEstimator(window=2)
    ewt.record("old", 50)
    ewt.seed({"q": [10, 20, 30]})
    assert ewt.mean_handle("old") is None
    assert ewt.mean_handle("q") == 25


@pytest.mark.parametrize(("seconds", "expected"), [(0, 1), (10, 1), (60, 1), (61, 2), (599, 10)])
def test_minutes_round_up(seconds: float, expected: int) -> None:
    assert minutes(seconds) == expected
