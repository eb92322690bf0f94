"""Pacing on a simulated clock: progressive never outruns its agents, predictive keeps its cap."""

from __future__ import annotations

import pytest
from dialer_support import ALWAYS, at, campaign, contacts, state
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.dialer.const import Mode, Outcome
from appliance.dialer.pacing.predictive import expected_overflow_share
from appliance.dialer.selection import next_calls
from appliance.dialer.simulation import Customers, Outcomes, simulate
from appliance.dialer.stats import PacingStats

DAY_START = at("2026-03-02 09:00")


def shifting(seconds: float) -> float:
    """Return an answer rate that changes through the day: 35 % → 12 % → 40 %."""
    return (0.35, 0.3, 0.2, 0.12, 0.15, 0.25, 0.35, 0.4, 0.3, 0.25)[int(seconds // 3600) % 10]


def run(mode: Mode, hours: int = 10, seed: int = 1, agents: int = 20) -> Outcomes:
    """Return a simulated campaign day for 20 agents."""
    customers = Customers(answer_rate=shifting, handle_seconds=90.0)
    return simulate(campaign(mode), customers, agents, DAY_START, hours * 3600, seed)


@settings(max_examples=200, deadline=None)
@given(
    ready=st.integers(0, 30),
    in_flight=st.integers(0, 40),
    busy=st.integers(0, 30),
    channels=st.integers(0, 60),
    due=st.integers(0, 50),
)
def test_progressive_never_dials_more_than_its_ready_agents(
    ready: int, in_flight: int, busy: int, channels: int, due: int
) -> None:
    """Calls placed plus calls ringing never exceed ready agents, nor the free channels."""
    now = DAY_START
    dials = next_calls(state(Mode.PROGRESSIVE, contacts(due), ready, busy_agents=busy,
                             dials_in_flight=in_flight, free_channels=channels), now)  # fmt: skip
    assert len(dials) <= max(0, ready - in_flight)
    assert len(dials) <= channels
    assert len({d.contact_id for d in dials}) == len(dials)


def test_progressive_over_a_day_drops_nothing_and_never_rings_ahead() -> None:
    """Across a simulated day no call was started for an agent who was not ready."""
    result = run(Mode.PROGRESSIVE, hours=4)
    assert result.most_dials_over_ready <= 0
    assert result.most_in_flight <= 20
    assert result.dropped == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_predictive_keeps_drops_under_the_cap_through_a_changing_day(seed: int) -> None:
    """Answer rates swing from 12 % to 40 %; drops stay under 3 % overall and per day."""
    predictive = run(Mode.PREDICTIVE, seed=seed)
    progressive = run(Mode.PROGRESSIVE, seed=seed)
    assert predictive.answered > 1000
    assert predictive.drop_rate < 0.03
    assert all(day.rate() < 0.03 for day in predictive.by_day.values())
    assert predictive.utilisation > 1.2 * progressive.utilisation


def test_predictive_day_cap_holds_across_midnight() -> None:
    """A campaign running through midnight starts the new day's count afresh and keeps it."""
    night = simulate(campaign(Mode.PREDICTIVE), Customers(answer_rate=shifting), 20,
                     at("2026-03-02 20:00"), 8 * 3600, 3)  # fmt: skip
    assert len(night.by_day) == 2
    assert all(day.answered > 0 and day.rate() < 0.03 for day in night.by_day.values())


def loaded_stats(answered: int, dropped: int) -> PacingStats:
    """Return stats whose campaign has answered and dropped so many calls today."""
    stats = PacingStats()
    for n in range(answered):
        outcome = Outcome.DROPPED if n < dropped else Outcome.CONNECTED
        stats.dial_ended(DAY_START, outcome, 8.0)
        stats.dial_ended(DAY_START, Outcome.NO_ANSWER)
        stats.call_handled(100.0)
    return stats


def test_predictive_at_its_cap_dials_only_for_ready_agents() -> None:
    """With no room for one more drop, predictive is progressive; with room it dials ahead."""
    for dropped, most in ((3, 4), (0, None)):
        current = state(Mode.PREDICTIVE, contacts(100), 4, busy_agents=16)
        current.stats = loaded_stats(100, dropped)
        dials = next_calls(current, DAY_START)
        assert len(dials) == most if most is not None else len(dials) > 4


def test_the_gain_falls_after_drops_and_rises_when_there_are_none() -> None:
    """Each interval the gain moves toward keeping the recent drop rate at its setpoint."""
    noisy, quiet = loaded_stats(100, 10), loaded_stats(100, 0)
    noisy.adapt(DAY_START, 0.03)
    quiet.adapt(DAY_START, 0.03)
    assert noisy.gain < 0.5 < quiet.gain
    before = quiet.gain
    quiet.adapt(DAY_START + 5, 0.03)  # within the interval: unchanged
    assert quiet.gain == before


@settings(max_examples=100, deadline=None)
@given(total=st.integers(1, 80), p=st.floats(0.05, 0.95), free=st.floats(0, 40))
def test_the_overflow_model_matches_its_definition(total: int, p: float, free: float) -> None:
    """E[max(0, X − free)] / E[X] computed incrementally equals the direct binomial sum."""
    from math import comb

    direct = sum(comb(total, k) * p**k * (1 - p) ** (total - k) * max(0.0, k - free)
                 for k in range(total + 1)) / (total * p)  # fmt: skip
    assert expected_overflow_share(total, p, free) == pytest.approx(direct, abs=1e-9)


def test_agentless_runs_one_call_per_free_channel_within_its_ceiling() -> None:
    """Agentless ignores agents and counts channels: free ones and the campaign's own ceiling."""
    free = state(Mode.AGENTLESS, contacts(50), 0, free_channels=7)
    assert len(next_calls(free, DAY_START)) == 7
    capped = state(Mode.AGENTLESS, contacts(50), 0, free_channels=30, dials_in_flight=2,
                   busy_agents=3)  # fmt: skip
    capped.campaign = campaign(Mode.AGENTLESS, ALWAYS, max_channels=10)
    assert len(next_calls(capped, DAY_START)) == 5


def test_preview_offers_one_record_to_each_ready_agent_without_one() -> None:
    """A preview dial names its agent; an agent already previewing gets nothing more."""
    current = state(Mode.PREVIEW, contacts(10), 3, previewing=("agent1",), free_channels=0)
    dials = next_calls(current, DAY_START)
    assert [(d.agent, d.contact_id) for d in dials] == [("agent0", 1), ("agent2", 2)]


@settings(max_examples=150, deadline=None)
@given(
    mode=st.sampled_from([Mode.PROGRESSIVE, Mode.PREDICTIVE, Mode.AGENTLESS]),
    ready=st.integers(0, 30),
    busy=st.integers(0, 30),
    in_flight=st.integers(0, 60),
    channels=st.integers(0, 40),
    answered=st.integers(0, 300),
)
def test_no_mode_uses_more_trunk_channels_than_are_free(
    mode: Mode, ready: int, busy: int, in_flight: int, channels: int, answered: int
) -> None:
    """Whatever the pacing wants, the free channels bound it; each contact is dialled once."""
    current = state(mode, contacts(80), ready, busy_agents=busy, dials_in_flight=in_flight,
                    free_channels=channels)  # fmt: skip
    current.stats = loaded_stats(answered, 0)
    dials = next_calls(current, DAY_START)
    assert len(dials) <= channels
    assert len({d.contact_id for d in dials}) == len(dials)
