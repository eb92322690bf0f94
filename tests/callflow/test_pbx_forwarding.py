"""Direct calls to an extension: forwarding steps, loop checks, the blacklist."""

from __future__ import annotations

import pytest

from appliance.callflow.blacklist import matching_entry, valid_entry
from appliance.callflow.extensions import (
    HOP_LIMIT,
    UNANSWERED_SECONDS,
    Callee,
    Forwarding,
    Step,
    after_ring,
    first_step,
    forward_loop,
    stop_reason,
)

ALL = Forwarding(always="", busy="2002", no_answer="13900139000", ring_seconds=12)


def callee(**changes: object) -> Callee:
    """Return a registered, free extension 2001 with the given changes."""
    base: dict[str, object] = {"extension": "2001", "registered": True, "busy": False,
                               "dnd": False, "forwarding": Forwarding()}  # fmt: skip
    return Callee(**{**base, **changes})  # type: ignore[arg-type]


def test_a_free_extension_rings_for_its_no_answer_seconds_or_a_minute() -> None:
    assert first_step(callee(forwarding=ALL)) == Step("ring", seconds=12)
    assert first_step(callee()) == Step("ring", seconds=UNANSWERED_SECONDS)


def test_always_forward_wins_over_everything() -> None:
    always = Forwarding(always="1003", busy="2002")
    assert first_step(callee(busy=True, forwarding=always)) == Step("forward", "1003", "always")


@pytest.mark.parametrize(("busy", "dnd", "reason"), [(True, False, "busy"), (False, True, "dnd")])
def test_busy_or_dnd_forwards_on_busy_or_refuses_486(busy: bool, dnd: bool, reason: str) -> None:
    assert first_step(callee(busy=busy, dnd=dnd, forwarding=ALL)) == Step("forward", "2002", reason)
    assert first_step(callee(busy=busy, dnd=dnd)) == Step("refuse", "", reason, 486)


def test_an_unregistered_phone_forwards_on_no_answer_or_refuses_480() -> None:
    step = first_step(callee(registered=False, forwarding=ALL))
    assert step == Step("forward", "13900139000", "unavailable")
    assert first_step(callee(registered=False)).code == 480


@pytest.mark.parametrize(
    ("code", "step"),
    [
        (487, Step("forward", "13900139000", "no_answer")),
        (408, Step("forward", "13900139000", "no_answer")),
        (486, Step("forward", "2002", "busy")),
        (603, Step("forward", "2002", "busy")),
    ],
)
def test_after_ringing_the_phones_reply_picks_the_forward(code: int, step: Step) -> None:
    assert after_ring(ALL, code) == step
    assert after_ring(Forwarding(), code).action == "refuse"


def test_call_time_stops_on_a_repeat_and_past_the_hop_limit() -> None:
    assert stop_reason(["1001", "2001"], "1001") == "loop"
    assert stop_reason(["1001", "2001"], "2002") == ""
    chain = [str(3000 + i) for i in range(HOP_LIMIT + 1)]
    assert stop_reason(chain, "4000") == "hop limit"


def test_a_two_extension_loop_is_found() -> None:
    forwards = {"1001": Forwarding(always="1002"), "1002": Forwarding(no_answer="1001")}
    assert forward_loop(forwards, "1001") == ["1001", "1002", "1001"]


def test_a_longer_loop_through_busy_forwards_is_found() -> None:
    forwards = {
        "1001": Forwarding(busy="1002"),
        "1002": Forwarding(no_answer="13900139000", busy="1003"),
        "1003": Forwarding(always="1001"),
    }
    assert forward_loop(forwards, "1001") == ["1001", "1002", "1003", "1001"]


def test_chains_that_end_are_not_loops() -> None:
    forwards = {
        "1001": Forwarding(always="1002", busy="1003"),
        "1002": Forwarding(no_answer="13900139000"),
        "1003": Forwarding(busy="1002"),
        "1004": Forwarding(always="1001"),  # leads into the chain, does not come back
    }
    assert forward_loop(forwards, "1004") is None
    assert forward_loop(forwards, "1001") is None
    assert forward_loop({}, "1001") is None


@pytest.mark.parametrize(
    ("number", "found"),
    [
        ("13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("075512345678", "0755*"),
        ("13800138001", None),
        ("0756", None),
        ("anonymous", "anonymous"),
    ],
)
def test_the_blacklist_matches_numbers_and_prefixes(number: str, found: str | None) -> None:
    assert matching_entry(number, ["13800138000", "0755*", "anonymous"]) == found


@pytest.mark.parametrize(
    ("entry", "ok"),
    [("13800138000", True), ("+86138*", True), ("0755 *", True), ("*", False),
     ("13*8", False), ("abc", False), ("", False)],
)  # fmt: skip
def test_blacklist_entries_are_numbers_or_prefixes(entry: str, ok: bool) -> None:
    assert valid_entry(entry) is ok


def test_an_internal_calls_cdr_names_the_callee_and_talk_from_its_answer() -> None:
    from appliance.callflow.cdr import derive_cdr

    def ev(kind: str, at: float, **data: object) -> dict[str, object]:
        return {"kind": kind, "at": at, "data": data}

    start = ev("call.started", 10.0, **{"from": "1001", "to": "1002", "direction": "internal"})
    answered = derive_cdr("c", [start, ev("internal.ringing", 10.1, agent="1002"),
                                ev("internal.answered", 13.0, agent="1002"),
                                ev("call.ended", 20.0, by="caller")])  # fmt: skip
    assert (answered["direction"], answered["agent"], answered["outcome"]) == (
        "internal", "1002", "answered")  # fmt: skip
    assert answered["talk_seconds"] == 7.0
    missed = derive_cdr("c", [start, ev("internal.ringing", 10.1, agent="1002"),
                              ev("call.ended", 20.0, by="caller")])  # fmt: skip
    assert (missed["agent"], missed["outcome"]) == ("1002", "abandoned")


def test_a_simultaneous_group_rings_everyone_once_in_one_wave() -> None:
    from appliance.callflow.ring_groups import RingGroup, waves

    group = RingGroup("600", members=("1001", "1002", "1001", "1003"))
    assert waves(group) == [["1001", "1002", "1003"]]
    assert waves(RingGroup("601")) == []


def test_an_in_order_group_rings_one_after_another_skipping_who_cannot_take_it() -> None:
    from appliance.callflow.ring_groups import IN_ORDER, RingGroup, next_wave, waves

    left = waves(RingGroup("600", strategy=IN_ORDER, members=("1003", "1001", "1002")))
    assert left == [["1003"], ["1001"], ["1002"]]
    free = {"1001", "1002"}.__contains__
    assert next_wave(left, free) == ["1001"]  # 1003 is busy: skipped
    assert next_wave(left, free) == ["1002"]
    assert next_wave(left, free) == []


def test_a_simultaneous_wave_leaves_out_members_who_cannot_be_rung() -> None:
    from appliance.callflow.ring_groups import RingGroup, next_wave, waves

    left = waves(RingGroup("600", members=("1001", "1002", "1003")))
    assert next_wave(left, lambda ext: ext != "1002") == ["1001", "1003"]
    assert left == []
