"""Routing by customer: the owner answers, VIPs keep their tier, others fall back."""

from __future__ import annotations

import time

import pytest
from boxharness import Box, wait_for

from appliance.engine.control import ControlError
from appliance.store.models import Agent, Customer, Queue, RoutingRule

pytestmark = pytest.mark.e2e

MENU_MS = 2200  # during the menu prompt (the welcome lasts 1.8 s)


def test_the_customers_owner_gets_the_call_though_another_agent_idled_longer(box: Box) -> None:
    Customer.create(number="+8613800138000", name="ACME", owner=Agent.get(extension="1002"), vip=2)
    Queue.update(strategy="owner").where(Queue.name == "support").execute()
    box.control.call("reload")  # live: no restart
    with box.agent("1001"):
        time.sleep(0.3)  # 1001 has been idle longest
        with box.agent("1002"):
            customer = box.sipp("caller_menu", caller="13800138000", menu_ms=MENU_MS, talk_ms=1000)
            assert customer.returncode == 0, customer.stdout[-2000:]
            first = box.wait_cdr(1)
            stranger = box.sipp("caller_menu", caller="13900000000", menu_ms=MENU_MS, talk_ms=1000)
            assert stranger.returncode == 0, stranger.stdout[-2000:]
            second = box.wait_cdr(2)
    assert (first["outcome"], first["agent"]) == ("answered", "1002")
    joined = next(e for e in box.events(first["call_id"]) if e["kind"] == "queue.joined")
    assert joined["data"]["priority"] == 2  # the VIP tier
    assert (second["outcome"], second["agent"]) == ("answered", "1001")  # no owner: longest idle


def test_a_rule_naming_a_missing_queue_is_refused_by_reload_and_calls_go_on(box: Box) -> None:
    support = Queue.get(name="support")
    RoutingRule.create(queue=support, conditions=[], action={"target": "queue:nowhere"})
    with pytest.raises(ControlError, match="rule 1 of queue 'support' names unknown queue") as e:
        box.control.call("reload")
    assert e.value.error_id == "bad-config"
    with box.agent("1001"):
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=1000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["queue"]) == ("answered", "support")


def test_a_rule_sends_support_callers_to_sales_and_says_so(box: Box) -> None:
    support = Queue.get(name="support")
    office = [{"time": "00:00-24:00"}]  # always, by the box's clock
    RoutingRule.create(queue=support, conditions=office, action={"target": "queue:sales"})
    box.control.call("reload")
    with box.agent("1001"), box.agent("1004"):
        sipp = box.sipp("caller_menu", menu_ms=MENU_MS, talk_ms=1000)  # presses 2: support
        assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["queue"], cdr["agent"]) == ("answered", "sales", "1004")
    routed = next(e for e in box.events(cdr["call_id"]) if e["kind"] == "queue.routed")
    assert routed["data"] == {
        "queue": "support",
        "to": "queue:sales",
        "rules": ["rule 1 of queue 'support'"],
    }


def waiting(box: Box, queue: str) -> list[str]:
    return next(q["waiting"] for q in box.control.call("queues")["queues"] if q["name"] == queue)


def test_a_rule_moves_a_caller_already_waiting_when_it_comes_true(box: Box) -> None:
    support = Queue.get(name="support")
    sales_free = [{"metric": "idle", "queue": "sales", "op": ">=", "value": 1}]
    RoutingRule.create(queue=support, conditions=sales_free, action={"target": "queue:sales"})
    box.control.call("reload")
    with box.agent("1001"), box.agent("1004"):
        for ext in ("1001", "1004"):  # support staffed but busy, sales not free: callers wait
            box.control.call("agent.state", extension=ext, state="not_ready", reason="break")
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=12000)
        wait_for(lambda: waiting(box, "support"), 15, "a caller in support")
        box.control.call("agent.state", extension="1004", state="ready")
        caller.wait(40)
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["queue"], cdr["agent"]) == ("answered", "sales", "1004")
    routed = next(e for e in box.events(cdr["call_id"]) if e["kind"] == "queue.routed")
    assert routed["data"]["while_waiting"] is True
