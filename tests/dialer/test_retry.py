"""Retry policy: per-outcome delays and attempt limits, and "until connected" with its ceiling."""

from __future__ import annotations

import pytest

from appliance.dialer.const import Outcome
from appliance.dialer.retry import STANDARD, RetryPolicy, RetryRule


def test_each_outcome_retries_after_its_delay_until_its_limit() -> None:
    """Busy: 10 min, 5 attempts; no answer: 1 h, 4 attempts; connected: never again."""
    assert STANDARD.next_attempt_at(Outcome.BUSY, 1, 1000.0) == 1600.0
    assert STANDARD.next_attempt_at(Outcome.BUSY, 5, 1000.0) is None
    assert STANDARD.next_attempt_at(Outcome.NO_ANSWER, 3, 0.0) == 3600.0
    assert STANDARD.next_attempt_at(Outcome.CONNECTED, 1, 0.0) is None


def test_an_outcome_without_a_rule_ends_the_contact() -> None:
    """Only the outcomes the policy names are retried."""
    policy = RetryPolicy({Outcome.BUSY: RetryRule(60, 3)})
    assert policy.next_attempt_at(Outcome.MACHINE, 1, 0.0) is None


def test_until_connected_retries_everything_but_stops_at_its_ceiling() -> None:
    """Every outcome but connected comes back, with its rule's delay or the default."""
    policy = RetryPolicy({Outcome.BUSY: RetryRule(60, 1)}, until_connected=True, max_attempts=6)
    assert policy.next_attempt_at(Outcome.BUSY, 3, 0.0) == 60.0  # the rule's own limit ignored
    assert policy.next_attempt_at(Outcome.MACHINE, 5, 0.0) == 1800.0
    assert policy.next_attempt_at(Outcome.NO_ANSWER, 6, 0.0) is None
    assert policy.next_attempt_at(Outcome.CONNECTED, 1, 0.0) is None


def test_a_policy_round_trips_through_its_stored_form() -> None:
    """to_json and from_json give the same policy."""
    assert RetryPolicy.from_json(STANDARD.to_json()) == STANDARD


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"rules": {"busy": [-1, 3]}}, "negative"),
        ({"rules": {"busy": [60, 0]}}, "max attempts"),
        ({"rules": {"voicemail": [60, 2]}}, "unknown outcome"),
        ({"rules": {"connected": [60, 2]}}, "never retried"),
        ({"max_attempts": 500}, "max attempts"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_fault(spec: dict[str, object], message: str) -> None:
    """A stored policy that would dial forever or makes no sense raises ValueError."""
    with pytest.raises(ValueError, match=message):
        RetryPolicy.from_json(spec)
