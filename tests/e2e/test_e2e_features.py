"""Feature codes from agents' phones, call pickup, DND and forwarding, with real SIP."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from boxharness import Box, running_box, wait_for

from appliance.store.models import Agent, InboundNumber

pytestmark = pytest.mark.e2e

MENU_MS = 2200  # during the menu prompt (the welcome lasts 1.8 s)


def dial(box: Box, extension: str, number: str) -> dict[str, object]:
    """Dial a number from a second phone of extension; return how its call ended."""
    with box.agent(extension, call=number) as phone:
        return phone.read_until("disconnected", 15)


def stored_state(extension: str) -> str:
    return str(Agent.get(Agent.extension == extension).state)


def test_feature_codes_change_the_agents_state_and_it_is_kept(box: Box) -> None:
    with box.agent("1001"):
        wait_for(lambda: box.agent_status("1001")["state"] == "ready", 10, "ready")
        seen = []
        for code in ("*46", "*46", "*78", "*79", "*45", "*45"):
            ended = dial(box, "1001", code)
            assert ended["max_rx_level"], f"{code}: no confirmation heard"
            seen.append((box.agent_status("1001")["state"], stored_state("1001")))
    assert [live for live, _ in seen] == [
        "not_ready",
        "ready",
        "dnd",
        "ready",
        "logged_out",
        "ready",
    ]
    assert all(live == stored for live, stored in seen)


def test_unknown_feature_code_is_refused(box: Box) -> None:
    with box.agent("1001"):
        assert dial(box, "1001", "*99")["code"] == 404


def test_pickup_answers_a_call_ringing_for_a_colleague(box: Box) -> None:
    with box.agent("1001", answer_ms=-1) as ringing:
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=6000)
        ringing.read_until("incoming", 15)
        with box.agent("1003", call="*8") as picker:
            picker.read_until("confirmed", 10)
            assert ringing.read_until("disconnected", 10)["code"] == 487
            caller.wait(30)
    cdr = box.wait_cdr()
    events = box.events(cdr["call_id"])
    picked = next(e for e in events if e["kind"] == "call.picked_up")
    assert picked["data"] == {"agent": "1003", "from": ["1001"]}
    assert (cdr["agent"], cdr["outcome"]) == ("1003", "answered")
    assert "agent.no_answer" not in [e["kind"] for e in events]  # no blame on 1001


def test_pickup_with_nothing_ringing_is_refused(box: Box) -> None:
    with box.agent("1003"):
        assert dial(box, "1003", "*8")["code"] == 404


def test_dnd_agent_is_not_rung_by_a_direct_call(box: Box) -> None:
    InboundNumber.create(number="300", target_type="agent", target="1002")
    box.control.call("reload")
    with box.agent("1002") as phone:
        box.control.call("agent.state", extension="1002", state="dnd")
        sipp = box.sipp("caller_hold_bye", number="300", menu_ms=500)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
        assert not [x for x in phone.lines if x["event"] == "incoming"]
    cdr = box.wait_cdr()
    assert cdr["outcome"] == "failed"
    assert "agent.unavailable" in [e["kind"] for e in box.events(cdr["call_id"])]


def test_forward_set_from_the_phone_sends_direct_calls_out_on_the_trunk(box: Box) -> None:
    InboundNumber.create(number="300", target_type="agent", target="1002")
    box.control.call("reload")
    with box.agent("1002") as phone, box.far_end("agent_answer", ring_ms=None):
        assert dial(box, "1002", "*7213900139000")["max_rx_level"]
        wait_for(lambda: Agent.get(Agent.extension == "1002").forward_to, 5, "forward kept")
        sipp = box.sipp("caller_menu", number="300", menu_ms=500, talk_ms=2000)
        assert sipp.returncode == 0, sipp.stdout[-2000:]
        assert not [x for x in phone.lines if x["event"] == "incoming"]
    cdr = box.wait_cdr()
    assert (cdr["agent"], cdr["outcome"]) == ("13900139000", "answered")
    forwarded = next(e for e in box.events(cdr["call_id"]) if e["kind"] == "call.forwarded")
    assert forwarded["data"] == {"agent": "1002", "to": "13900139000", "reason": "always"}


def test_feature_codes_changed_in_the_settings_are_the_ones_phones_dial(
    tmp_path: Path, prompts: Path
) -> None:
    codes = {"CALLBOX_FEATURES__DND_ON": "*55", "CALLBOX_FEATURES__DND_OFF": "*56"}
    with running_box(tmp_path, prompts, **codes) as box, box.agent("1001"):
        wait_for(lambda: box.agent_status("1001")["state"] == "ready", 10, "ready")
        assert dial(box, "1001", "*78")["code"] == 404  # the default is free again
        assert dial(box, "1001", "*55")["max_rx_level"]  # the confirmation is heard
        assert box.agent_status("1001")["state"] == "dnd"
        dial(box, "1001", "*56")
        assert box.agent_status("1001")["state"] == "ready"


def test_a_phone_books_a_call_out_for_a_time_with_a_feature_code(box: Box) -> None:
    from appliance.store.models import ScheduledDial, User

    User.create(username="alice", password_hash="x", role="agent", extension="1001")
    with box.agent("1001"):
        assert dial(box, "1001", "*3523590138000")["max_rx_level"]  # "your call is booked"
        (booked,) = wait_for(lambda: list(ScheduledDial.select()), 5, "the booking")
    assert (booked.extension, booked.number, booked.status) == ("1001", "0138000", "pending")
    assert booked.note == "booked from the phone" and booked.due_at > time.time()
    with box.agent("1002"):  # no user works at 1002: nothing to book for
        assert dial(box, "1002", "*3523590138000")["code"] == 403
