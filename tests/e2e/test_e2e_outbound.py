"""Calls out from agents' phones through the outbound routes, with real SIP.

A pjsua2 phone dials through Kamailio; a SIPp UAS plays the carrier and its message
trace shows what the carrier received (digits, caller ID) — or that it received nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, running_box, wait_for

from appliance import demo
from appliance.jobs import scheduled_dials
from appliance.store.models import Agent, OutboundRoute, ScheduledDial, Trunk, User

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def out_box(tmp_path_factory: pytest.TempPathFactory, prompts: Path) -> Iterator[Box]:
    """Return one running box for the module, its route presenting a caller ID."""
    with running_box(tmp_path_factory.mktemp("outbound"), prompts) as box:
        OutboundRoute.update(caller_id="075586000000").where(
            OutboundRoute.name == demo.OUTSIDE_LINE
        ).execute()
        yield box


def restrict(box: Box, extension: str, **fields: Any) -> None:
    """Change an extension's class of service and apply it live."""
    Agent.update(**fields).where(Agent.extension == extension).execute()
    box.control.call("reload")


def call_out(box: Box, extension: str, dialled: str, timeout: float = 20) -> dict[str, Any]:
    """Dial from a phone of extension and return how the phone's call ended."""
    with box.agent(extension, call=dialled) as phone:
        return phone.read_until("disconnected", timeout)


def last_call(box: Box, extension: str) -> tuple[dict[str, Any], list[str]]:
    """Return the newest CDR of calls from extension and its event kinds."""
    rows = wait_for(lambda: [c for c in box.cdrs() if c["from_number"] == extension], 15, "a CDR")
    return rows[-1], box.kinds(rows[-1]["call_id"])


def test_a_call_out_reaches_the_carrier_with_the_routes_digits_and_caller_id(
    out_box: Box,
) -> None:
    restrict(out_box, "1001", call_class="national", max_call_seconds=0, record_calls_out=True)
    with out_box.far_end(ring_ms=300) as (far, trace):
        with out_box.agent("1001", call="901012345678", talk_ms=1500) as phone:
            phone.read_until("confirmed", 15)
            phone.read_until("disconnected", 10)
        wait_for(lambda: far.poll() is not None, 10, "the carrier's call to end")
    sent = trace.read_text()
    assert "INVITE sip:01012345678@" in sent  # the 9 for an outside line is taken off
    assert "P-Asserted-Identity: <sip:075586000000@" in sent
    cdr, kinds = last_call(out_box, "1001")
    assert (cdr["direction"], cdr["outcome"], cdr["agent"]) == ("outbound", "answered", "1001")
    assert cdr["to_number"] == "901012345678" and cdr["talk_seconds"] > 0.5
    assert kinds.index("outbound.routed") < kinds.index("outbound.answered")
    recording = Path(out_box.settings.paths.recordings) / cdr["recording"]  # the policy says so
    assert recording.stat().st_size > 8000


def test_international_is_refused_before_the_carrier_sees_an_invite(out_box: Box) -> None:
    restrict(out_box, "1002", call_class="national")
    with out_box.far_end(ring_ms=300) as (far, trace):
        ended = call_out(out_box, "1002", "90012125551234")
        assert ended["code"] == 403
        assert far.poll() is None  # still waiting for an INVITE
    assert not trace.exists() or "INVITE" not in trace.read_text()
    cdr, kinds = last_call(out_box, "1002")
    assert "outbound.refused" in kinds and "outbound.dialing" not in kinds
    assert cdr["outcome"] == "failed"


def test_the_maximum_call_length_cuts_a_call_out(out_box: Box) -> None:
    restrict(out_box, "1003", call_class="national", max_call_seconds=2)
    with out_box.far_end(ring_ms=200) as (far, _):
        with out_box.agent("1003", call="986001234") as phone:
            confirmed = phone.read_until("confirmed", 15)
            trunks = out_box.control.call("trunks")["trunks"]  # 外線狀態: one call out on it
            assert [(t["name"], t["in"], t["out"]) for t in trunks] == [(demo.TRUNK_NAME, 0, 1)]
            ended = phone.read_until("disconnected", 10)  # the phone never hangs up itself
        wait_for(lambda: far.poll() is not None, 10, "the carrier's call to end")
    assert ended["code"] in (200, 0)
    cdr, kinds = last_call(out_box, "1003")
    assert "outbound.cut" in kinds and cdr["outcome"] == "answered"
    assert cdr["recording"] is None  # 1003's calls out are not recorded
    assert 1.5 < cdr["talk_seconds"] < 4
    assert confirmed["at"] > 0


def test_a_trunk_at_its_channel_limit_takes_no_further_call_out(out_box: Box) -> None:
    restrict(out_box, "1004", call_class="national", max_call_seconds=0)
    restrict(out_box, "1005", call_class="national", max_call_seconds=0)
    Trunk.update(max_channels=1).where(Trunk.name == demo.TRUNK_NAME).execute()
    try:
        with out_box.far_end(ring_ms=200, calls=1):
            with out_box.agent("1004", call="986001234", talk_ms=6000) as first:
                first.read_until("confirmed", 15)  # far_end reloads: the limit applies
                ended = call_out(out_box, "1005", "986001235")
            assert ended["code"] == 500  # the engine's 503, as a proxy must pass it (RFC 3261 16.7)
    finally:
        Trunk.update(max_channels=0).where(Trunk.name == demo.TRUNK_NAME).execute()
        out_box.control.call("reload")
    _, kinds = last_call(out_box, "1005")
    assert "outbound.trunk_full" in kinds and "outbound.dialing" not in kinds


def test_a_booked_call_out_rings_the_phone_on_time_then_reaches_the_number(
    out_box: Box,
) -> None:
    """撥出預約: the scheduler's job makes the booked call as a click-to-dial when it is due."""
    restrict(out_box, "1004", call_class="national", max_call_seconds=0)
    user = User.create(username="booker", password_hash="x", role="agent", extension="1004")
    too_late = time.time() - scheduled_dials.MISSED_AFTER_SECONDS - 60  # the box was down then
    late = ScheduledDial.create(user=user, extension="1004", number="901000000000", due_at=too_late)
    wait_for(lambda: not out_box.control.call("calls")["calls"], 10, "earlier calls to end")
    with out_box.far_end(ring_ms=200) as (far, trace):
        with out_box.agent("1004", talk_ms=1000) as phone:
            due = time.time() + 1
            booked = ScheduledDial.create(user=user, extension="1004", number="901087654321",
                                          due_at=due)  # fmt: skip
            assert scheduled_dials.dial_due(out_box.settings) == {late.id: "missed"}  # not due yet
            time.sleep(max(0.0, due - time.time()))
            made = scheduled_dials.dial_due(out_box.settings)
            assert made == {booked.id: "dialled"}, ScheduledDial.get_by_id(booked.id).detail
            phone.read_until("incoming", 10)  # the booker's own phone rings first
            phone.read_until("confirmed", 10)
            phone.read_until("disconnected", 15)
        wait_for(lambda: far.poll() is not None, 10, "the carrier's call to end")
    assert "INVITE sip:01087654321@" in trace.read_text()
    call_id = ScheduledDial.get_by_id(booked.id).detail
    cdr = wait_for(lambda: [c for c in out_box.cdrs() if c["call_id"] == call_id], 15, "CDR")[0]
    assert (cdr["direction"], cdr["from_number"], cdr["outcome"]) == (
        "outbound",
        "1004",
        "answered",
    )
    assert ScheduledDial.get_by_id(late.id).status == "missed"
    assert scheduled_dials.dial_due(out_box.settings) == {}  # nothing is dialled twice


def test_a_booked_call_the_engine_refuses_is_failed_with_the_reason(out_box: Box) -> None:
    restrict(out_box, "1005", call_class="national")
    user = User.create(username="abroad", password_hash="x", role="agent", extension="1005")
    booked = ScheduledDial.create(user=user, extension="1005", number="90012125551234",
                                  due_at=time.time() - 1)  # fmt: skip
    with out_box.agent("1005"):
        assert scheduled_dials.dial_due(out_box.settings) == {booked.id: "failed"}
    assert ScheduledDial.get_by_id(booked.id).detail.startswith("not-allowed: ")
