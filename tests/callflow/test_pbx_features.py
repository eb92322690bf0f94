"""Park lot, callback-on-busy list and the PBX feature codes: pure rules."""

from __future__ import annotations

import pytest

from appliance.callflow.busy_callback import BusyCallbacks
from appliance.callflow.features import Feature, park_slot, parse
from appliance.callflow.parking import ParkLot


@pytest.mark.parametrize(
    ("dialled", "feature"),
    [
        ("*700", Feature("park")),
        ("*701", Feature("retrieve", "701")),
        ("*719", Feature("retrieve", "719")),
        ("*720", Feature("forward", "0", "forward_to")),  # *72 then 0: forwarding wins
        ("*61002", Feature("callback_busy", "1002")),
        ("**1003", Feature("directed_pickup", "1003")),
        ("*801002", Feature("intercom", "1002")),
        ("*8", Feature("pickup")),
        ("*80", None),
        ("**", None),
        ("*6", None),
        ("**10a", None),
        ("*6" + "1" * 11, None),
        ("*721", Feature("forward", "1", "forward_to")),
        ("*05", Feature("speed_dial", "5")),
        ("*012", Feature("speed_dial", "12")),
        ("*00", Feature("speed_dial", "0")),
        ("*0", None),
        ("*0123", None),
    ],
)
def test_parse_pbx_codes(dialled: str, feature: Feature | None) -> None:
    assert parse(dialled) == feature


def test_a_slot_number_alone_names_the_slot() -> None:
    assert (park_slot("701"), park_slot("719"), park_slot("720"), park_slot("1001")) == (
        "701", "719", "", "")  # fmt: skip


def test_the_lot_fills_the_lowest_free_slot_and_frees_it_when_taken() -> None:
    lot = ParkLot(("701", "702"))
    first = lot.park("a", "1002", 100.0, 60)
    second = lot.park("b", "1003", 101.0, 60)
    assert (first and first.slot, second and second.slot) == ("701", "702")
    assert lot.park("c", "1004", 102.0, 60) is None  # full
    assert lot.take("701") == first
    assert lot.take("701") is None
    third = lot.park("c", "1004", 103.0, 60)
    assert third is not None and third.slot == "701"
    assert lot.slot_of("b") == "702" and lot.slot_of("zzz") == ""
    assert [p.call_id for p in lot.listing()] == ["c", "b"]


def test_a_parked_call_is_due_when_its_time_is_over() -> None:
    lot = ParkLot(("701", "702"))
    lot.park("a", "1002", 100.0, 10)
    lot.park("b", "1003", 105.0, 10)
    assert lot.due(109.0) == []
    due = lot.due(110.0)
    assert [(p.slot, p.parker) for p in due] == [("701", "1002")]
    assert lot.due(110.0) == []  # each is due once
    assert [p.call_id for p in lot.listing()] == ["b"]


def test_a_callback_waits_until_both_phones_are_free() -> None:
    waiting = BusyCallbacks()
    waiting.ask("1001", "1002", 0.0, 60)
    free = {"1001": True, "1002": False}
    assert waiting.ready(lambda ext: free[ext]) is None
    free["1002"] = True
    free["1001"] = False  # the caller is in another call now
    assert waiting.ready(lambda ext: free[ext]) is None
    free["1001"] = True
    request = waiting.ready(lambda ext: free[ext])
    assert request is not None and (request.caller, request.callee) == ("1001", "1002")
    assert waiting.pending() == []


def test_a_callback_expires_and_asking_again_renews_it() -> None:
    waiting = BusyCallbacks()
    waiting.ask("1001", "1002", 0.0, 60)
    waiting.ask("1001", "1002", 30.0, 60)  # renewed, not doubled
    waiting.ask("1003", "1002", 0.0, 10)
    assert [w.caller for w in waiting.expired(60.0)] == ["1003"]
    assert [(w.caller, w.until) for w in waiting.pending()] == [("1001", 90.0)]
    assert [w.caller for w in waiting.expired(90.0)] == ["1001"]
    assert waiting.pending() == []
