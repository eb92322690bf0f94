"""Class of service and the decision on a call out (callflow/call_class.py, outbound_plan.py)."""

from __future__ import annotations

import pytest

from appliance.callflow.call_class import (
    CallClass,
    ClassOfService,
    NumberingPlan,
    classify,
    is_emergency,
)
from appliance.callflow.dialplan import OutboundRoute, parse_pattern
from appliance.callflow.outbound_plan import Caller, OutboundCall, Refused, plan_call

SHENZHEN = NumberingPlan("CN", "755")
ROUTES = [
    OutboundRoute(
        "out", (parse_pattern("9|."),), ("carrier-a", "carrier-b"), caller_id="075586000000"
    )
]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("86001234", CallClass.LOCAL),  # no area code: this city
        ("075586001234", CallClass.LOCAL),  # own area code
        ("01012345678", CallClass.NATIONAL),  # Beijing
        ("13800138000", CallClass.NATIONAL),  # a mobile
        ("0012125551234", CallClass.INTERNATIONAL),
        ("+442071234567", CallClass.INTERNATIONAL),
        ("+8613800138000", CallClass.NATIONAL),  # own country written internationally
        ("not a number", CallClass.INTERNATIONAL),  # unknown counts as the widest
    ],
)
def test_numbers_are_classed_from_the_numbering_plan(number: str, expected: CallClass) -> None:
    assert classify(number, SHENZHEN) == expected


def test_without_an_area_code_only_short_numbers_are_local() -> None:
    assert classify("075586001234", NumberingPlan("CN")) == CallClass.NATIONAL


def test_emergency_numbers_are_the_regions() -> None:
    assert is_emergency("110", SHENZHEN) and is_emergency("120", SHENZHEN)
    assert not is_emergency("111", SHENZHEN)


def test_class_names_parse_and_refuse_unknown_ones() -> None:
    assert CallClass.named(" International ") == CallClass.INTERNATIONAL
    with pytest.raises(ValueError, match="unknown call class 'global'"):
        CallClass.named("global")


def caller(widest: str = "national", hours: str = "", limit: int = 0) -> Caller:
    """Return extension 201 with a class of service."""
    return Caller("201", ClassOfService(CallClass.named(widest), hours, limit))


def plan(dialled: str, who: Caller, open_now: bool = True, calls_out: int = 0, cap: int = 0):
    """Return the decision for a dialled number on ROUTES in Shenzhen."""
    return plan_call(dialled, who, ROUTES, SHENZHEN, lambda _: open_now, calls_out, cap)


def test_an_allowed_call_takes_the_routes_trunks_and_caller_id() -> None:
    call = plan("901012345678", caller(limit=600))
    assert call == OutboundCall(
        "01012345678", "out", ("carrier-a", "carrier-b"), "075586000000", CallClass.NATIONAL, 600
    )


def test_the_extensions_own_caller_id_wins() -> None:
    call = plan("986001234", Caller("201", ClassOfService(), "075586000201"))
    assert isinstance(call, OutboundCall) and call.caller_id == "075586000201"


def test_international_is_refused_by_default_and_allowed_by_class() -> None:
    refused = plan("90012125551234", caller())
    assert refused == Refused("international calls are not allowed for this extension")
    assert isinstance(plan("90012125551234", caller("international")), OutboundCall)


def test_a_local_only_extension_may_not_call_a_mobile() -> None:
    assert isinstance(plan("913800138000", caller("local")), Refused)
    assert isinstance(plan("986001234", caller("local")), OutboundCall)


def test_calls_outside_the_allowed_hours_are_refused() -> None:
    refused = plan("986001234", caller(hours="office"), open_now=False)
    assert refused == Refused("calls out are allowed only during 'office'")
    assert isinstance(plan("986001234", caller(hours="office"), open_now=True), OutboundCall)


def test_the_cap_on_calls_out_refuses_the_next_one() -> None:
    assert plan("986001234", caller(), calls_out=2, cap=2) == Refused(
        "2 calls out at once is the box's limit", 503
    )
    assert isinstance(plan("986001234", caller(), calls_out=1, cap=2), OutboundCall)


def test_emergency_goes_out_whatever_the_class_hours_or_cap() -> None:
    call = plan("110", caller("internal", hours="office"), open_now=False, calls_out=9, cap=1)
    assert isinstance(call, OutboundCall) and call.emergency
    assert (call.number, call.trunks) == ("110", ("carrier-a", "carrier-b"))
    via_route = plan("9120", caller("internal"))  # dialled with the outside-line prefix
    assert isinstance(via_route, OutboundCall) and via_route.number == "120"


def test_no_route_and_no_trunk_are_refused() -> None:
    assert plan_call("123", caller(), [], SHENZHEN, lambda _: True) == Refused(
        "no outbound route matches 123", 404
    )
    bare = [OutboundRoute("bare", (parse_pattern("."),), ())]
    assert plan_call("86001234", caller(), bare, SHENZHEN, lambda _: True) == Refused(
        "route 'bare' has no trunk", 503
    )
    assert plan_call("110", caller(), bare, SHENZHEN, lambda _: True) == Refused(
        "no trunk to place an emergency call on", 503
    )


def test_a_number_no_route_matches_takes_the_fallback_route() -> None:
    fallback = OutboundRoute("default", (), ("t1",))
    call = plan_call("86001234", caller(), [], SHENZHEN, lambda _: True, fallback=fallback)
    assert isinstance(call, OutboundCall) and (call.route, call.number) == ("default", "86001234")
    refused = plan_call("0012125551234", caller(), [], SHENZHEN, lambda _: True, fallback=fallback)
    assert isinstance(refused, Refused)  # the class still applies
