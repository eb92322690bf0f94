"""Each routing strategy picks the agents its rule says, penalty tiers and ties included."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from appliance.callflow.strategies import STRATEGIES, Caller, Candidate, Strategy, get
from appliance.callflow.strategies.base import lowest_penalty
from appliance.callflow.strategies.weighted_random import weight

CALLER = Caller("c1", "13800000000", joined_at=50.0)
PICKS = 10_000


def agents(*extensions: str, **penalties: int) -> list[Candidate]:
    """Return candidates in member order, idle since 10, 20, …; penalties by extension."""
    return [
        Candidate(ext, idle_since=10.0 * (i + 1), penalty=penalties.get(ext, 0), order=i)
        for i, ext in enumerate(extensions)
    ]


def pick(strategy: Strategy, candidates: list[Candidate]) -> list[str]:
    """Return the extensions strategy rings for candidates."""
    return [c.extension for c in strategy.choose(candidates, CALLER, 100.0)]


def count(strategy: Strategy, candidates: list[Candidate], n: int = PICKS) -> Counter[str]:
    """Return how often each extension is picked in n decisions."""
    return Counter(ext for _ in range(n) for ext in pick(strategy, candidates))


# --- every strategy -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_is_named_after_its_module_and_titled(name: str) -> None:
    cls = STRATEGIES[name]
    assert cls.__module__ == f"appliance.callflow.strategies.{name}"
    assert cls.name == name and cls.title and cls.__doc__


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_returns_some_of_the_candidates_unchanged(name: str) -> None:
    strategy = get(name, random.Random(1))
    candidates = agents("a", "b", "c", "d", b=1, d=2)
    before = list(candidates)
    for _ in range(50):
        chosen = strategy.choose(candidates, CALLER, 100.0)
        assert chosen and all(c in candidates for c in chosen)
        assert len({c.extension for c in chosen}) == len(chosen)
    assert candidates == before


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_a_single_candidate_is_always_the_one(name: str) -> None:
    only = [Candidate("solo", idle_since=5.0, penalty=3, order=4)]
    assert pick(get(name, random.Random(2)), only) == ["solo"]


def test_lowest_penalty_keeps_the_lowest_tier_in_given_order() -> None:
    candidates = agents("a", "b", "c", "d", a=2, b=1, c=3, d=1)
    assert [c.extension for c in lowest_penalty(candidates)] == ["b", "d"]


# --- ring_all -----------------------------------------------------------------------


def test_ring_all_rings_every_agent_of_the_lowest_tier_in_member_order() -> None:
    ring_all = get("ring_all")
    assert pick(ring_all, agents("a", "b", "c")) == ["a", "b", "c"]
    assert pick(ring_all, agents("a", "b", "c", "d", a=1, c=2)) == ["b", "d"]


def test_ring_all_rings_a_higher_tier_only_when_no_lower_one_is_free() -> None:
    assert pick(get("ring_all"), agents("a", "b", "c", a=2, b=1, c=1)) == ["b", "c"]


# --- linear -------------------------------------------------------------------------


def test_linear_always_rings_the_first_in_member_order() -> None:
    linear = get("linear")
    candidates = [
        Candidate("late", idle_since=99.0, calls_taken=9, order=0),
        Candidate("early", idle_since=1.0, calls_taken=0, order=1),
    ]
    assert [pick(linear, candidates) for _ in range(3)] == [["late"]] * 3


def test_linear_goes_down_the_list_and_prefers_lower_penalty() -> None:
    linear = get("linear")
    assert pick(linear, agents("a", "b", "c")[1:]) == ["b"]
    assert pick(linear, agents("a", "b", "c", a=1)) == ["b"]
    assert pick(linear, agents("a", "b", a=1, b=1)) == ["a"]


# --- fewest_calls and least_talk_time ------------------------------------------------


def test_fewest_calls_rings_the_agent_with_fewest_calls() -> None:
    candidates = [
        Candidate("a", idle_since=10, calls_taken=5, order=0),
        Candidate("b", idle_since=30, calls_taken=2, order=1),
        Candidate("c", idle_since=20, calls_taken=3, order=2),
    ]
    assert pick(get("fewest_calls"), candidates) == ["b"]


def test_fewest_calls_ties_go_to_longest_idle_then_member_order() -> None:
    fewest = get("fewest_calls")
    idle_tie = [
        Candidate("a", idle_since=30, calls_taken=1, order=0),
        Candidate("b", idle_since=10, calls_taken=1, order=1),
        Candidate("c", idle_since=5, calls_taken=2, order=2),
    ]
    assert pick(fewest, idle_tie) == ["b"]
    full_tie = [Candidate(e, idle_since=10, calls_taken=1, order=i) for i, e in enumerate("xyz")]
    assert pick(fewest, full_tie[::-1]) == ["x"]


def test_fewest_calls_prefers_lower_penalty() -> None:
    candidates = [
        Candidate("busy", calls_taken=9, penalty=0, order=0),
        Candidate("fresh", calls_taken=0, penalty=1, order=1),
    ]
    assert pick(get("fewest_calls"), candidates) == ["busy"]


def test_least_talk_time_rings_the_agent_who_talked_least() -> None:
    candidates = [
        Candidate("a", idle_since=10, talk_seconds=300.0, calls_taken=1, order=0),
        Candidate("b", idle_since=30, talk_seconds=120.5, calls_taken=7, order=1),
        Candidate("c", idle_since=20, talk_seconds=121.0, calls_taken=0, order=2),
    ]
    assert pick(get("least_talk_time"), candidates) == ["b"]


def test_least_talk_time_ties_go_to_longest_idle_then_member_order() -> None:
    least = get("least_talk_time")
    idle_tie = [
        Candidate("a", idle_since=30, talk_seconds=60, order=0),
        Candidate("b", idle_since=10, talk_seconds=60, order=1),
    ]
    assert pick(least, idle_tie) == ["b"]
    full_tie = [Candidate(e, idle_since=10, talk_seconds=0, order=i) for i, e in enumerate("xyz")]
    assert pick(least, full_tie[::-1]) == ["x"]


def test_least_talk_time_prefers_lower_penalty() -> None:
    candidates = [
        Candidate("chatty", talk_seconds=9000, penalty=0, order=0),
        Candidate("quiet", talk_seconds=0, penalty=2, order=1),
    ]
    assert pick(get("least_talk_time"), candidates) == ["chatty"]


# --- round_robin --------------------------------------------------------------------


def serve(strategy: Strategy, candidates: list[Candidate]) -> str:
    """Ring the strategy's pick, have them answer, and return who it was."""
    [extension] = pick(strategy, candidates)
    strategy.answered(extension)
    return extension


def test_round_robin_starts_at_the_top_and_goes_round() -> None:
    robin = get("round_robin")
    everyone = agents("a", "b", "c")
    assert [serve(robin, everyone) for _ in range(7)] == ["a", "b", "c", "a", "b", "c", "a"]


def test_round_robin_stays_put_until_someone_answers() -> None:
    robin = get("round_robin")
    everyone = agents("a", "b", "c")
    assert pick(robin, everyone) == pick(robin, everyone) == ["a"]
    robin.answered("a")
    assert pick(robin, everyone) == pick(robin, everyone) == ["b"]


def test_round_robin_skips_agents_missing_from_candidates() -> None:
    robin = get("round_robin")
    a, b, c, d = agents("a", "b", "c", "d")
    assert serve(robin, [a, b, c, d]) == "a"
    assert serve(robin, [b, c, d]) == "b"  # a is on the call it took
    assert serve(robin, [a, d]) == "d"  # b and c busy: next after b is d
    assert serve(robin, [a, b, c]) == "a"  # d busy: wraps past the end
    assert serve(robin, [c]) == "c"


def test_round_robin_wraps_when_the_last_answerer_was_last_in_line() -> None:
    robin = get("round_robin")
    a, b, c = agents("a", "b", "c")
    serve(robin, [a, b, c])
    serve(robin, [b, c])
    assert serve(robin, [a, c]) == "c"
    assert pick(robin, [a, b]) == ["a"]


def test_round_robin_goes_round_the_lowest_penalty_tier_only() -> None:
    robin = get("round_robin")
    everyone = agents("a", "b", "c", "d", b=1, d=1)
    assert [serve(robin, everyone) for _ in range(4)] == ["a", "c", "a", "c"]
    _, b, _, d = everyone
    assert serve(robin, [b, d]) == "d"  # overflow to the next tier: after c is d
    assert serve(robin, everyone) == "a"  # after d, tier 0 wraps to a
    assert serve(robin, [b, d]) == "b"


def test_round_robin_an_unknown_answerer_restarts_at_the_top() -> None:
    robin = get("round_robin")
    everyone = agents("a", "b", "c")
    serve(robin, everyone)
    robin.answered("stranger")
    assert pick(robin, everyone) == ["a"]


def test_round_robin_objects_keep_their_own_memory() -> None:
    one, two = get("round_robin"), get("round_robin")
    everyone = agents("a", "b")
    serve(one, everyone)
    assert (pick(one, everyone), pick(two, everyone)) == (["b"], ["a"])


# --- random -------------------------------------------------------------------------


def test_random_is_uniform_over_the_lowest_tier() -> None:
    counts = count(get("random", random.Random(7)), agents("a", "b", "c", "d", "e", d=1, e=2))
    assert set(counts) == {"a", "b", "c"}
    for ext in "abc":
        assert abs(counts[ext] / PICKS - 1 / 3) < 0.02, counts


def test_random_is_repeatable_with_a_seed() -> None:
    everyone = agents("a", "b", "c", "d")
    first, second = get("random", random.Random(42)), get("random", random.Random(42))
    assert [pick(first, everyone) for _ in range(20)] == [pick(second, everyone) for _ in range(20)]
    assert len(count(get("random", random.Random(42)), everyone, 20)) > 1


# --- weighted_random ----------------------------------------------------------------


def test_weight_is_one_over_one_plus_penalty() -> None:
    assert [weight(p) for p in (0, 1, 2, 4)] == [1.0, 0.5, pytest.approx(1 / 3), 0.2]
    assert weight(-3) == 1.0


def test_weighted_random_draws_from_all_tiers_by_weight() -> None:
    everyone = agents("a", "b", "c", "d", c=1, d=2)
    counts = count(get("weighted_random", random.Random(11)), everyone)
    total = 1 + 1 + 1 / 2 + 1 / 3
    expected = {"a": 1 / total, "b": 1 / total, "c": 0.5 / total, "d": 1 / 3 / total}
    for ext, share in expected.items():
        assert abs(counts[ext] / PICKS - share) < 0.02, counts


def test_weighted_random_rings_penalty_0_about_twice_as_often_as_penalty_1() -> None:
    everyone = agents("p0", "p1", p1=1)
    counts = count(get("weighted_random", random.Random(3)), everyone)
    assert 1.85 < counts["p0"] / counts["p1"] < 2.15, counts


def test_weighted_random_is_repeatable_with_a_seed() -> None:
    everyone = agents("a", "b", "c", b=1, c=5)
    first = get("weighted_random", random.Random(5))
    second = get("weighted_random", random.Random(5))
    assert [pick(first, everyone) for _ in range(30)] == [pick(second, everyone) for _ in range(30)]
