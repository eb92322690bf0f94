"""The office phone system with real SIP: extension to extension, forwarding, the blacklist.

pjsua2 phones register through Kamailio; a SIPp UAS plays the carrier (its message
trace shows what it received) and SIPp callers come in on the trunk.  One box for the
module, and two phones registered for all of it (a phone costs ~2 s): 1002 answers,
1003 never does.  Each test sets the forwarding it needs in the store and reloads,
and reads the `incoming` events its calls cause on those phones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import AgentPhone, Box, running_box, wait_for

from appliance.store.models import Agent, BlockedNumber, InboundNumber, RingGroup

pytestmark = pytest.mark.e2e
NO_FORWARD = {"forward_to": "", "forward_busy": "", "forward_no_answer": ""}


@pytest.fixture(scope="module")
def pbx(tmp_path_factory: pytest.TempPathFactory, prompts: Path) -> Iterator[Box]:
    """Return one running box for the module."""
    with running_box(tmp_path_factory.mktemp("pbx"), prompts, CALLBOX_PBX__OPERATOR="1002") as box:
        yield box


@pytest.fixture(scope="module")
def phones(pbx: Box) -> Iterator[dict[str, AgentPhone]]:
    """Return the module's phones: 1002 answers after 300 ms, 1003 rings and never answers."""
    with pbx.agent("1002") as answers, pbx.agent("1003", answer_ms=-1) as silent:
        yield {"1002": answers, "1003": silent}


def forwarding(box: Box, extension: str, **fields: Any) -> None:
    """Set an extension's forwarding in the store (no web check) and apply it live."""
    Agent.update(**{**NO_FORWARD, **fields}).where(Agent.extension == extension).execute()
    box.control.call("reload")


def last_call(box: Box, caller: str, since: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the newest CDR of calls from caller among those after the first since, and
    its events (waiting for it: the CDR is written a moment after the call ends)."""
    new = lambda: [c for c in box.cdrs()[since:] if c["from_number"] == caller]  # noqa: E731
    rows = wait_for(new, 15, "a CDR")
    return rows[-1], box.events(rows[-1]["call_id"])


def test_an_extension_rings_a_colleague_with_the_callers_name(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    forwarding(pbx, "1002")
    callee = phones["1002"]
    with pbx.agent("1001", call="1002", talk_ms=900) as caller:
        incoming = callee.read_until("incoming", 10)
        caller.read_until("confirmed", 10)
        ended = caller.read_until("disconnected", 10)
    callee.read_until("disconnected", 10)
    assert '"Alice Chen" <sip:1001@' in incoming["identity"]
    assert ended["rx"] > 20  # the callee's audio reached the caller through the bridge
    cdr, events = last_call(pbx, "1001", since)
    assert (cdr["direction"], cdr["to_number"], cdr["agent"], cdr["outcome"]) == (
        "internal", "1002", "1002", "answered")  # fmt: skip
    assert 0.6 < cdr["talk_seconds"] < 4
    kinds = [e["kind"] for e in events]
    assert kinds.index("internal.ringing") < kinds.index("internal.answered")


def test_a_phone_dialling_0_reaches_the_operator(pbx: Box, phones: dict[str, AgentPhone]) -> None:
    since = len(pbx.cdrs())
    forwarding(pbx, "1002")
    with pbx.agent("1001", call="0", talk_ms=600) as caller:
        phones["1002"].read_until("incoming", 10)
        caller.read_until("confirmed", 10)
        caller.read_until("disconnected", 10)
    phones["1002"].read_until("disconnected", 10)
    cdr, _ = last_call(pbx, "1001", since)
    assert (cdr["direction"], cdr["to_number"], cdr["agent"]) == ("internal", "1002", "1002")


def test_no_answer_forwards_to_the_extensions_own_voicemail(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    forwarding(pbx, "1003", forward_no_answer="*97", forward_ring_seconds=1)
    try:  # the greeting naming box 1003 and the beep (≈ 9 s), then ≈ 3 s of message
        with pbx.agent("1001", call="1003", talk_ms=12500) as caller:
            phones["1003"].read_until("incoming", 10)  # rang for a second, never answered
            caller.read_until("confirmed", 10)  # answered by the box, for the message
            caller.read_until("disconnected", 20)
    finally:
        forwarding(pbx, "1003")
    cdr, events = last_call(pbx, "1001", since)
    forwarded = next(e["data"] for e in events if e["kind"] == "call.forwarded")
    assert forwarded == {"agent": "1003", "to": "*97", "reason": "no_answer"}
    left = next(e["data"] for e in events if e["kind"] == "voicemail.left")
    assert left["box"] == "1003" and left["seconds"] >= 1
    assert cdr["outcome"] == "voicemail"


def test_no_answer_forwards_out_under_the_forwarders_class(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    forwarding(pbx, "1003", forward_no_answer="986001234", forward_ring_seconds=1)
    Agent.update(call_class="national").where(Agent.extension == "1003").execute()
    with pbx.far_end(ring_ms=200) as (far, trace):
        with pbx.agent("1004", call="1003", talk_ms=600) as caller:
            phones["1003"].read_until("incoming", 10)  # rings, never answers
            caller.read_until("confirmed", 15)
            caller.read_until("disconnected", 10)
        wait_for(lambda: far.poll() is not None, 10, "the carrier's call to end")
    assert "INVITE sip:86001234@" in trace.read_text()  # the route's 9 taken off
    cdr, events = last_call(pbx, "1004", since)
    forwarded = next(e for e in events if e["kind"] == "call.forwarded")["data"]
    assert forwarded == {"agent": "1003", "to": "986001234", "reason": "no_answer"}
    assert (cdr["direction"], cdr["agent"], cdr["outcome"]) == ("internal", "1003", "answered")


def test_a_forward_loop_stops_at_call_time(pbx: Box) -> None:
    since = len(pbx.cdrs())
    forwarding(pbx, "1001", forward_to="1002")
    forwarding(pbx, "1002", forward_to="1001")
    try:
        sipp = pbx.sipp("phone_refused", number="1001", caller="1005", phone=True, timeout=10)
    finally:
        forwarding(pbx, "1001")
        forwarding(pbx, "1002")
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr, events = last_call(pbx, "1005", since)
    stopped = [e["data"] for e in events if e["kind"] == "call.forward_stopped"]
    assert stopped == [{"chain": ["1005", "1001", "1002", "1001"], "reason": "loop"}]
    assert [e["kind"] for e in events].count("call.forwarded") == 2
    assert cdr["outcome"] == "failed"


def test_a_blacklisted_caller_is_refused_before_any_ivr(pbx: Box) -> None:
    since = len(pbx.cdrs())
    BlockedNumber.create(number="1390013*", note="spam")
    pbx.control.call("reload")
    done = pbx.sipp("caller_blocked", caller="13900139000", timeout=15)
    assert done.returncode == 0, done.stderr
    cdr, events = last_call(pbx, "13900139000", since)
    kinds = [e["kind"] for e in events]
    assert kinds == ["call.started", "call.blocked", "call.ended"]
    assert events[1]["data"] == {"from": "13900139000", "entry": "1390013*"}
    assert cdr["outcome"] == "failed"


def test_an_extension_in_dnd_is_busy_to_colleagues(pbx: Box) -> None:
    since = len(pbx.cdrs())
    forwarding(pbx, "1002")
    pbx.control.call("agent.state", extension="1002", state="dnd")  # DND comes before ringing
    try:
        sipp = pbx.sipp("phone_refused", number="1002", caller="1001", phone=True, timeout=10)
    finally:
        pbx.control.call("agent.state", extension="1002", state="ready")
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    _, events = last_call(pbx, "1001", since)
    unavailable = next(e["data"] for e in events if e["kind"] == "internal.unavailable")
    assert unavailable == {"agent": "1002", "reason": "dnd", "code": 486}


def test_a_direct_call_in_to_an_agent_in_dnd_goes_to_their_busy_forward(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    InboundNumber.get_or_create(number="301", target_type="agent", target="1001")
    forwarding(pbx, "1001", forward_busy="1002")
    pbx.control.call("agent.state", extension="1001", state="dnd")
    try:
        sipp = pbx.sipp("caller_menu", number="301", caller="13700137000", menu_ms=300,
                        talk_ms=600, timeout=20)  # fmt: skip
    finally:
        pbx.control.call("agent.state", extension="1001", state="ready")
        forwarding(pbx, "1001")
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    phones["1002"].read_until("incoming", 5)
    cdr, events = last_call(pbx, "13700137000", since)
    forwarded = next(e["data"] for e in events if e["kind"] == "call.forwarded")
    assert forwarded == {"agent": "1001", "to": "1002", "reason": "dnd"}
    assert (cdr["agent"], cdr["outcome"]) == ("1002", "answered")


def test_an_inbound_rule_by_caller_sends_one_caller_to_an_agent_and_others_to_the_number(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    InboundNumber.get_or_create(number="303", target_type="agent", target="1003",
                                rules="from 13300* to agent 1002")  # fmt: skip
    pbx.control.call("reload")
    sipp = pbx.sipp("caller_menu", number="303", caller="13300133000", menu_ms=300,
                    talk_ms=600, timeout=20)  # fmt: skip
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    phones["1002"].read_until("incoming", 5)
    cdr, events = last_call(pbx, "13300133000", since)
    ruled = next(e["data"] for e in events if e["kind"] == "call.routed_by_rule")
    assert ruled == {"line": 1, "target_type": "agent", "target": "1002"}
    assert (cdr["agent"], cdr["outcome"]) == ("1002", "answered")


def test_an_inbound_rule_can_send_a_caller_straight_to_a_voicemail_box(pbx: Box) -> None:
    since = len(pbx.cdrs())
    InboundNumber.get_or_create(number="304", target_type="agent", target="1003",
                                rules="from 13200* to voicemail general")  # fmt: skip
    pbx.control.call("reload")
    sipp = pbx.sipp("caller_voicemail_hash", number="304", caller="13200132000",
                    greet_ms=5500, talk_ms=1500, timeout=30)  # fmt: skip
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    cdr, events = last_call(pbx, "13200132000", since)
    kinds = [e["kind"] for e in events]
    assert kinds.index("call.routed_by_rule") < kinds.index("voicemail.direct")
    left = next(e["data"] for e in events if e["kind"] == "voicemail.left")
    assert left["box"] == "general" and cdr["outcome"] == "voicemail"


def test_a_direct_call_in_that_rings_out_goes_to_the_no_answer_forward(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    InboundNumber.get_or_create(number="302", target_type="agent", target="1003")
    forwarding(pbx, "1003", forward_no_answer="1002", forward_ring_seconds=1)
    try:
        sipp = pbx.sipp("caller_menu", number="302", caller="13500135000", menu_ms=300,
                        talk_ms=600, timeout=20)  # fmt: skip
    finally:
        forwarding(pbx, "1003")
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    phones["1003"].read_until("incoming", 5)  # rang for a second, never answered
    phones["1002"].read_until("incoming", 5)
    cdr, events = last_call(pbx, "13500135000", since)
    forwarded = next(e["data"] for e in events if e["kind"] == "call.forwarded")
    assert forwarded == {"agent": "1003", "to": "1002", "reason": "no_answer"}
    assert (cdr["agent"], cdr["outcome"]) == ("1002", "answered")


def test_an_inbound_number_rings_a_group_in_order_and_the_caller_waits_unanswered(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    RingGroup.create(number="600", strategy="in_order", members=["1003", "1002"],
                     ring_seconds=1)  # fmt: skip
    InboundNumber.get_or_create(number="601", target_type="group", target="600")
    forwarding(pbx, "1003")
    sipp = pbx.sipp("caller_menu", number="601", caller="13600136000", menu_ms=300,
                    talk_ms=600, timeout=20)  # fmt: skip
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    phones["1003"].read_until("incoming", 5)
    phones["1002"].read_until("incoming", 5)
    cdr, events = last_call(pbx, "13600136000", since)
    rung = [e["data"]["agent"] for e in events if e["kind"] == "internal.ringing"]
    assert rung == ["1003", "1002"]  # one after another: 1003 rang out first
    answered = next(e for e in events if e["kind"] == "internal.answered")
    assert answered["data"]["agent"] == "1002"
    assert (cdr["direction"], cdr["agent"], cdr["outcome"]) == ("inbound", "1002", "answered")
    assert "ivr.played" not in [e["kind"] for e in events]


def test_a_phone_dials_a_group_that_rings_everyone_and_the_first_answer_wins(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    since = len(pbx.cdrs())
    RingGroup.create(number="602", members=["1002", "1003"], ring_seconds=10)
    forwarding(pbx, "1003")
    sipp = pbx.sipp("phone_menu", number="602", caller="1001", phone=True, menu_ms=300,
                    talk_ms=500, timeout=20)  # fmt: skip
    assert sipp.returncode == 0, sipp.stdout[-2000:]
    phones["1003"].read_until("incoming", 5)
    assert phones["1003"].read_until("disconnected", 5)["code"] == 487  # 1002 was faster
    phones["1002"].read_until("incoming", 5)
    cdr, events = last_call(pbx, "1001", since)
    rung = sorted(e["data"]["agent"] for e in events if e["kind"] == "internal.ringing")
    assert rung == ["1002", "1003"]
    assert (cdr["direction"], cdr["to_number"], cdr["agent"]) == ("internal", "602", "1002")


def test_click_to_dial_to_a_colleague_shows_the_agents_name(
    pbx: Box, phones: dict[str, AgentPhone]
) -> None:
    call = pbx.control.call("agent.dial", extension="1002", number="1003")
    phones["1002"].read_until("incoming", 5)  # the agent's own phone first, it answers
    incoming = phones["1003"].read_until("incoming", 5)
    pbx.control.call("call.hangup", call_id=call["call_id"])
    phones["1003"].read_until("disconnected", 5)
    assert '"Bob Li" <sip:1002@' in incoming["identity"]
