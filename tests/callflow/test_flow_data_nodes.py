"""Nodes that decide by the box's data (lookup, time_condition) or hand the caller on
(transfer, callback_offer): walked, simulated and validated."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from appliance.callflow.customers import CallerBook, Customer
from appliance.callflow.flow import EnterQueue, FlowRun, Play
from appliance.callflow.flow.instructions import OfferCallback, Transfer, Wait
from appliance.callflow.flow.simulate import simulate
from appliance.callflow.flow.validate import Known, validate
from appliance.callflow.hours_schema import parse_schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")
BOOK = CallerBook(
    [
        Customer("13800138000", "ACME", owner="1002", vip=2, region="Beijing", account="5001"),
        Customer("13900139000", "Bob", account="5002"),
    ]
)
OFFICE = parse_schedule(
    {
        "name": "office",
        "timezone": "Asia/Shanghai",
        "weekly": {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": ["2026-10-01"],
        "workdays": [{"date": "2026-10-10", "like": "fri"}],
    }
)


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()


def graph(start: str, **nodes: dict[str, Any]) -> dict[str, Any]:
    base = {
        "bye": {"type": "hangup"},
        "vip": {"type": "queue", "queue": "vip"},
        "known": {"type": "queue", "queue": "support"},
        "stranger": {"type": "queue", "queue": "sales"},
    }
    return {"start": start, "language": "en", "nodes": {**base, **nodes}}


BY_CALLER = {"type": "lookup", "found": "known", "not_found": "stranger", "vip": "vip"}
ACCOUNT = {
    "type": "collect", "variable": "account", "prompt": "enter", "max_digits": 4,
    "next": "find",
}  # fmt: skip
BY_ACCOUNT = {**BY_CALLER, "by": "account"}
HOURS = {"type": "time_condition", "schedule": "office", "open": "known", "closed": "bye"}


def test_lookup_by_caller_sends_a_vip_to_the_vip_queue_as_that_customer() -> None:
    run = FlowRun(graph("find", find=BY_CALLER), caller="+86 138 0013 8000", customers=BOOK)
    assert run.start() == EnterQueue("vip", customer="13800138000")
    assert run.variables == {
        "customer_name": "ACME",
        "vip": "2",
        "owner": "1002",
        "region": "Beijing",
    }


def test_lookup_below_the_vip_tier_or_unknown_takes_found_and_not_found() -> None:
    tiered = {**BY_CALLER, "vip_tier": 3}
    assert (
        simulate(graph("f", f=tiered), caller="13800138000", customers=BOOK).end == "queue:support"
    )
    assert (
        simulate(graph("f", f=BY_CALLER), caller="13700000000", customers=BOOK).end == "queue:sales"
    )
    assert simulate(graph("f", f=BY_CALLER), caller="13800138000").end == "queue:sales"  # no data


def test_lookup_by_a_keyed_account_number_finds_the_customer_whoever_calls() -> None:
    flow = graph("acct", acct=ACCOUNT, find=BY_ACCOUNT)
    trace = simulate(flow, caller="01012345678", keys="5001", customers=BOOK)
    assert (trace.path, trace.end) == (["acct", "find", "vip"], "queue:vip")
    assert trace.queued == EnterQueue("vip", customer="13800138000")
    trace = simulate(flow, caller="13800138000", keys="5002", customers=BOOK)
    assert (trace.end, trace.variables["customer_name"]) == ("queue:support", "Bob")
    assert simulate(flow, keys="9999#", customers=BOOK).end == "queue:sales"


def test_time_condition_open_closed_holiday_and_a_worked_saturday() -> None:
    flow = graph("hours", hours={**HOURS, "holiday": "stranger"})
    sims = {"office": OFFICE}
    ends = {
        when: simulate(flow, at=at(when), schedules=sims).end
        for when in (
            "2026-11-27 10:00",  # Friday, open
            "2026-11-27 19:00",  # Friday evening, closed
            "2026-11-28 10:00",  # Saturday, closed
            "2026-10-01 10:00",  # National Day, a holiday
            "2026-10-10 10:00",  # Saturday worked (调休)
        )
    }
    assert list(ends.values()) == [
        "queue:support", "hangup", "hangup", "queue:sales", "queue:support",
    ]  # fmt: skip


def test_time_condition_without_a_holiday_branch_and_with_its_schedule_gone() -> None:
    flow = graph("hours", hours=HOURS)
    assert simulate(flow, at=at("2026-10-01 10:00"), schedules={"office": OFFICE}).end == "hangup"
    assert simulate(flow, at=at("2026-10-01 10:00")).end == "queue:support"  # gone: open


def test_transfer_to_an_extension_a_number_and_a_queue() -> None:
    ext = {"type": "transfer", "to": "extension", "target": "1001", "ring_seconds": 15}
    out = {"type": "transfer", "to": "external", "target": "+8613800138000"}
    queue = {"type": "transfer", "to": "queue", "target": "support"}
    assert FlowRun(graph("t", t=ext)).start() == Transfer("extension", "1001", 15.0)
    assert simulate(graph("t", t=out)).end == "transfer:external:+8613800138000"
    run = FlowRun(graph("f", f={**BY_CALLER, "vip": None, "found": "t"}, t=queue))
    run.customers, run.caller = BOOK, "13800138000"
    assert run.start() == EnterQueue("support", customer="13800138000")


def test_callback_offer_hands_the_caller_to_the_queue_with_the_offer() -> None:
    assert FlowRun(graph("cb", cb={"type": "callback_offer", "queue": "support"})).start() == (
        OfferCallback("support")
    )


def test_validation_names_unknown_schedules_extensions_and_bad_fields() -> None:
    flow = graph(
        "hours",
        hours={**HOURS, "schedule": "weekend"},
        find={"type": "lookup", "by": "email", "found": "known"},
        ext={"type": "transfer", "to": "extension", "target": "1999", "failed": "bye"},
        out={"type": "transfer", "to": "external", "target": "call me"},
        pager={"type": "transfer", "to": "pager", "target": "1"},
        cb={"type": "callback_offer", "queue": "billing"},
    )
    queues = {"vip", "support", "sales"}
    known = Known(schedules={"office"}, extensions={"1001"})
    problems = {(p.node, p.message) for p in validate(flow, lambda _: True, queues, (), known)}
    assert {
        ("hours", "schedule 'weekend' does not exist"),
        ("find", "'not_found' is required"),
        ("find", "'by' must be one of caller, account"),
        ("ext", "extension '1999' does not exist"),
        ("out", "'call me' is not a phone number"),
        ("pager", "'to' must be one of extension, queue, external"),
        ("cb", "queue 'billing' does not exist"),
    } <= problems


def test_collect_then_wait_is_simulated_like_a_prompt_wait() -> None:
    trace = simulate(graph("acct", acct={**ACCOUNT, "next": "bye"}), keys="12.")
    assert (trace.end, trace.variables) == ("hangup", {"account": "12"})
    assert trace.played == [Play("enter", "en", interruptible=True, wait=5.0)]
    run = FlowRun(graph("acct", acct=ACCOUNT))
    run.start()
    assert run.on_digit("1") == Wait(3.0)
