"""Callers pressing keys through real flows: menus three deep, wrong keys and silence,
an account number that routes a VIP customer.

One box serves the module: each test publishes its own flow on the demo number.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, running_box, wait_for
from keyed_caller import keyed_scenario

from appliance.demo import IVR_NAME

pytestmark = pytest.mark.e2e

HANGUP = {"type": "hangup"}
GOODBYE = {"type": "play", "prompt": "goodbye", "next": "hangup"}


@pytest.fixture(scope="module")
def ivr_box(tmp_path_factory: pytest.TempPathFactory, prompts: Path) -> Iterator[Box]:
    with running_box(tmp_path_factory.mktemp("ivr-box"), prompts) as box:
        yield box


def menu(choices: dict[str, str], **fields: Any) -> dict[str, Any]:
    return {"type": "menu", "prompt": "beep", "choices": choices, "failed": "goodbye",
            "timeout": 2, "retries": 2, **fields}  # fmt: skip


def publish(box: Box, start: str, **nodes: dict[str, Any]) -> int:
    graph = {"start": start, "language": "en",
             "nodes": {"goodbye": GOODBYE, "hangup": HANGUP, **nodes}}  # fmt: skip
    return int(box.control.call("flow.publish", name=IVR_NAME, graph=graph)["version"])


def call(box: Box, keys: list[tuple[int, str]], box_hangs_up: bool, **sets: int) -> str:
    """Run one keyed caller to the end; return its call id (from its CDR)."""
    before = len(box.cdrs())
    scenario = keyed_scenario(box.var, keys, box_hangs_up)
    done = box.sipp(str(scenario), menu_ms=0, **sets)
    assert done.returncode == 0, done.stdout[-2000:] + box.log_tail("engine")
    return str(box.wait_cdr(before + 1)["call_id"])


def heard(box: Box, call_id: str) -> list[tuple[str, str]]:
    """Return (node, prompt) of every prompt the flow played to the call."""
    prompts = [e["data"] for e in box.events(call_id) if e["kind"] == "ivr.prompt"]
    return [(p["node"], p["prompt"]) for p in prompts]


def test_three_menus_deep_the_keys_lead_to_the_queue_they_chose(ivr_box: Box) -> None:
    publish(
        ivr_box,
        "top",
        top=menu({"1": "second", "2": "goodbye"}),
        second=menu({"2": "third", "1": "goodbye"}),
        third=menu({"3": "support", "1": "goodbye"}),
        support={"type": "queue", "queue": "support"},
    )
    call_id = call(ivr_box, [(800, "1"), (700, "2"), (700, "3")], box_hangs_up=True)
    assert [node for node, _ in heard(ivr_box, call_id)][:3] == ["top", "second", "third"]
    cdr = ivr_box.cdrs()[-1]
    assert cdr["queue"] == "support"  # nobody staffs it: the box said so and hung up
    assert "goodbye" not in [node for node, _ in heard(ivr_box, call_id)]


def test_a_wrong_key_then_silence_hears_invalid_retries_and_goodbye(ivr_box: Box) -> None:
    publish(ivr_box, "top", top=menu({"1": "goodbye"}, invalid_prompt="invalid", timeout=1))
    call_id = call(ivr_box, [(800, "7")], box_hangs_up=True)
    assert [prompt for _, prompt in heard(ivr_box, call_id)] == [
        "beep", "invalid", "beep", "goodbye",
    ]  # fmt: skip
    kinds = ivr_box.kinds(call_id)
    assert "call.ended" in kinds and "queue.joined" not in kinds


def test_an_account_number_keyed_in_routes_the_vip_customer_as_that_customer(
    ivr_box: Box,
) -> None:
    ivr_box.set_queue("sales", join_when="always")  # the caller waits even with nobody there
    account = {"type": "collect", "variable": "account", "prompt": "main-menu",
               "max_digits": 4, "next": "find", "failed": "goodbye"}  # fmt: skip
    find = {"type": "lookup", "by": "account", "vip": "vip_line", "found": "support",
            "not_found": "support"}  # fmt: skip
    publish(
        ivr_box,
        "account",
        account=account,
        find=find,
        vip_line={"type": "queue", "queue": "sales"},
        support={"type": "queue", "queue": "support"},
    )
    # ACME Trading (demo): account 8001, VIP tier 1, number 13900139000 — calling from elsewhere.
    keys = [(800, "8"), (300, "0"), (300, "0"), (300, "1")]
    call_id = call(ivr_box, keys, box_hangs_up=False, caller="01088886666", talk_ms=1500)
    joined = wait_for(
        lambda: [e["data"] for e in ivr_box.events(call_id) if e["kind"] == "queue.joined"],
        5,
        "the caller in a queue",
    )[0]
    assert joined["queue"] == "sales"
    assert joined["customer"] == "13900139000"
    assert joined["priority"] == 1  # the customer's VIP tier, not the calling number's (none)


def test_a_flow_transfer_rings_the_extension_and_the_agent_answers(ivr_box: Box) -> None:
    to_agent = {"type": "transfer", "to": "extension", "target": "1002", "failed": "goodbye"}
    publish(ivr_box, "top", top=menu({"1": "to_agent"}), to_agent=to_agent)
    with ivr_box.agent("1002"):
        call_id = call(ivr_box, [(800, "1")], box_hangs_up=False, talk_ms=2500)
    cdr = ivr_box.cdrs()[-1]
    assert (cdr["agent"], cdr["outcome"]) == ("1002", "answered")
    transfer = next(e for e in ivr_box.events(call_id) if e["kind"] == "ivr.transfer")
    assert transfer["data"] == {"to": "extension", "target": "1002", "node": "to_agent"}


def test_a_flow_transfer_to_a_busy_number_goes_on_at_its_failed_branch(ivr_box: Box) -> None:
    out = {"type": "transfer", "to": "external", "target": "13900000000", "failed": "sorry"}
    sorry = {"type": "play", "prompt": "agent-unavailable", "next": "hangup"}
    publish(ivr_box, "top", top=menu({"1": "out"}), out=out, sorry=sorry)
    with ivr_box.far_end("trunk_busy", ring_ms=300):
        call_id = call(ivr_box, [(800, "1")], box_hangs_up=True)
    assert heard(ivr_box, call_id)[-1] == ("sorry", "agent-unavailable")
    assert ivr_box.cdrs()[-1]["outcome"] != "answered"


def test_a_flow_transfer_to_an_agent_who_cannot_take_it_goes_on_at_its_failed_branch(
    ivr_box: Box,
) -> None:
    to_agent = {"type": "transfer", "to": "extension", "target": "1003", "failed": "sorry"}
    sorry = {"type": "play", "prompt": "agent-unavailable", "next": "hangup"}
    publish(ivr_box, "top", top=menu({"1": "to_agent"}), to_agent=to_agent, sorry=sorry)
    call_id = call(ivr_box, [(800, "1")], box_hangs_up=True)  # 1003's phone is not registered
    assert "agent.unavailable" in ivr_box.kinds(call_id)
    assert heard(ivr_box, call_id)[-1] == ("sorry", "agent-unavailable")


def test_a_callback_offer_node_turns_a_caller_into_a_callback_at_once(ivr_box: Box) -> None:
    ivr_box.set_queue("support", join_when="always")
    offer = {"type": "callback_offer", "queue": "support"}
    publish(ivr_box, "top", top=menu({"1": "offer"}), offer=offer)
    # 1 during the offer: "call me back at this number"; the box confirms and hangs up.
    call_id = call(ivr_box, [(800, "1"), (1500, "1")], box_hangs_up=True, caller="6009")
    kinds = ivr_box.kinds(call_id)
    assert kinds.index("queue.joined") < kinds.index("queue.callback_requested")
    assert ivr_box.cdrs()[-1]["outcome"] == "callback"
    with ivr_box.db() as db:
        row = db.execute("SELECT * FROM queue_callback WHERE call_id = ?", (call_id,)).fetchone()
    assert (row["queue"], row["number"], row["state"]) == ("support", "6009", "waiting")
    support = next(q for q in ivr_box.control.call("queues")["queues"] if q["name"] == "support")
    assert len(support["waiting"]) == 1  # the callback keeps the caller's place in line
