"""The office phone system with real SIP: extension to extension, forwarding, the blacklist.

pjsua2 phones register through Kamailio; a SIPp UAS plays the carrier (its message
trace shows what it received) and SIPp callers come in on the trunk.  One box for the
module: each test sets the forwarding it needs in the store and reloads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, running_box, wait_for

from appliance.store.models import Agent, BlockedNumber

pytestmark = pytest.mark.e2e
NO_FORWARD = {"forward_to": "", "forward_busy": "", "forward_no_answer": ""}


@pytest.fixture(scope="module")
def pbx(tmp_path_factory: pytest.TempPathFactory, prompts: Path) -> Iterator[Box]:
    """Return one running box for the module."""
    with running_box(tmp_path_factory.mktemp("pbx"), prompts) as box:
        yield box


def forwarding(box: Box, extension: str, **fields: Any) -> None:
    """Set an extension's forwarding in the store (no web check) and apply it live."""
    Agent.update(**{**NO_FORWARD, **fields}).where(Agent.extension == extension).execute()
    box.control.call("reload")


def last_call(box: Box, caller: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the newest CDR of calls from caller and its events."""
    rows = wait_for(lambda: [c for c in box.cdrs() if c["from_number"] == caller], 15, "a CDR")
    return rows[-1], box.events(rows[-1]["call_id"])


def test_an_extension_rings_a_colleague_with_the_callers_name(pbx: Box) -> None:
    forwarding(pbx, "1002")
    with pbx.agent("1002", answer_ms=300) as callee:
        with pbx.agent("1001", call="1002", talk_ms=1200) as caller:
            incoming = callee.read_until("incoming", 10)
            caller.read_until("confirmed", 10)
            ended = caller.read_until("disconnected", 10)
        callee.read_until("disconnected", 10)
    assert '"Alice Chen" <sip:1001@' in incoming["identity"]
    assert ended["rx"] > 20  # the callee's audio reached the caller through the bridge
    cdr, events = last_call(pbx, "1001")
    assert (cdr["direction"], cdr["to_number"], cdr["agent"], cdr["outcome"]) == (
        "internal", "1002", "1002", "answered")  # fmt: skip
    assert 0.8 < cdr["talk_seconds"] < 4
    kinds = [e["kind"] for e in events]
    assert kinds.index("internal.ringing") < kinds.index("internal.answered")


def test_no_answer_forwards_out_under_the_forwarders_class(pbx: Box) -> None:
    forwarding(pbx, "1003", forward_no_answer="986001234", forward_ring_seconds=1)
    Agent.update(call_class="national").where(Agent.extension == "1003").execute()
    with pbx.far_end(ring_ms=200) as (far, trace):
        with (
            pbx.agent("1003", answer_ms=-1) as callee,  # rings, never answers
            pbx.agent("1004", call="1003", talk_ms=1000) as caller,
        ):
            callee.read_until("incoming", 10)
            caller.read_until("confirmed", 15)
            caller.read_until("disconnected", 10)
        wait_for(lambda: far.poll() is not None, 10, "the carrier's call to end")
    assert "INVITE sip:86001234@" in trace.read_text()  # the route's 9 taken off
    cdr, events = last_call(pbx, "1004")
    forwarded = next(e for e in events if e["kind"] == "call.forwarded")["data"]
    assert forwarded == {"agent": "1003", "to": "986001234", "reason": "no_answer"}
    assert (cdr["direction"], cdr["agent"], cdr["outcome"]) == ("internal", "1003", "answered")


def test_a_forward_loop_stops_at_call_time(pbx: Box) -> None:
    forwarding(pbx, "1001", forward_to="1002")
    forwarding(pbx, "1002", forward_to="1001")
    try:
        with pbx.agent("1005", call="1001") as caller:
            ended = caller.read_until("disconnected", 10)
    finally:
        forwarding(pbx, "1001")
        forwarding(pbx, "1002")
    assert ended["code"] == 482
    cdr, events = last_call(pbx, "1005")
    stopped = [e["data"] for e in events if e["kind"] == "call.forward_stopped"]
    assert stopped == [{"chain": ["1005", "1001", "1002", "1001"], "reason": "loop"}]
    assert [e["kind"] for e in events].count("call.forwarded") == 2
    assert cdr["outcome"] == "failed"


def test_a_blacklisted_caller_is_refused_before_any_ivr(pbx: Box) -> None:
    BlockedNumber.create(number="1390013*", note="spam")
    pbx.control.call("reload")
    done = pbx.sipp("caller_blocked", caller="13900139000", timeout=15)
    assert done.returncode == 0, done.stderr
    cdr, events = last_call(pbx, "13900139000")
    kinds = [e["kind"] for e in events]
    assert kinds == ["call.started", "call.blocked", "call.ended"]
    assert events[1]["data"] == {"from": "13900139000", "entry": "1390013*"}
    assert cdr["outcome"] == "failed"
