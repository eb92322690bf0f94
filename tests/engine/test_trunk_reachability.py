"""An IP peer's reachability from its OPTIONS answers, and whether calls out take it."""

from __future__ import annotations

from appliance.engine.trunk_reachability import Reach, Reachability
from appliance.engine.trunk_registration import takes_calls_out


def answers(*codes: int | None) -> list[Reachability]:
    """Return the reachability after each probe answer in turn (a second apart)."""
    states, now = [Reachability()], 100.0
    for code in codes:
        now += 1
        states.append(states[-1].probed(code, 12, now))
    return states[1:]


def test_a_peer_that_never_answers_stays_unknown_and_is_still_tried() -> None:
    last = answers(None, None, None, None)[-1]
    assert last.state == Reach.UNKNOWN and last.misses == 4
    assert takes_calls_out("peer", None, last)


def test_one_lost_probe_is_not_an_outage_two_are() -> None:
    first, one_miss, two_misses = answers(405, None, None)
    assert (first.state, first.code, first.rtt_ms) == (Reach.REACHABLE, 405, 12)
    assert one_miss.state == Reach.REACHABLE and not one_miss.is_news(first)
    assert two_misses.state == Reach.UNREACHABLE and two_misses.is_news(one_miss)
    assert two_misses.event == "trunk.unreachable" and two_misses.changed_at == 103.0
    assert not takes_calls_out("peer", None, two_misses)


def test_an_answer_brings_it_back_and_that_is_news_once() -> None:
    states = answers(200, None, None, 200, 200)
    back, still = states[3], states[4]
    assert back.state == Reach.REACHABLE and back.is_news(states[2])
    assert back.event == "trunk.reachable" and back.misses == 0
    assert not still.is_news(back) and still.changed_at == back.changed_at
    assert takes_calls_out("peer", None, back)


def test_a_registering_trunk_is_judged_by_its_registration_only() -> None:
    down = answers(200, None, None)[-1]
    assert not takes_calls_out("register", None, None)
    assert takes_calls_out("peer", None, None)  # not probed (qualify off): tried
    assert down.as_dict() == {"state": "unreachable", "code": 200, "rtt_ms": 12,
                              "changed_at": 103.0}  # fmt: skip
