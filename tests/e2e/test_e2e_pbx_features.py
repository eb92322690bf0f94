"""Office phone features with real SIP: park and retrieve, callback on busy, pickup, intercom.

pjsua2 phones register through Kamailio; each phone sends a tone of its own and the
tests read what the box did from the phones' events and the call's events.  The
box's park time is short (PARK_SECONDS) so that the ring-back is seen quickly.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import AgentPhone, Box, running_box, wait_for
from tones import heard

from appliance.store.models import Agent, InboundNumber, SpeedDial

pytestmark = pytest.mark.e2e
PARK_SECONDS = 7
MUSIC_HZ = 523.25  # C5: in every chord of the default music on hold
CALLER_HZ, PARKER_HZ, TAKER_HZ = 500, 1000, 1500
PRESENT, ABSENT = 1000.0, 200.0


@pytest.fixture(scope="module")
def pbx(tmp_path_factory: pytest.TempPathFactory, prompts: Path) -> Iterator[Box]:
    """Return one running box for the module, with a short park time."""
    var = tmp_path_factory.mktemp("pbxfeat")
    with running_box(var, prompts, CALLBOX_PBX__PARK_SECONDS=str(PARK_SECONDS)) as box:
        yield box


def call_of(box: Box, caller: str, since: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the newest CDR of calls from caller after the first since, and its events."""
    new = lambda: [c for c in box.cdrs()[since:] if c["from_number"] == caller]  # noqa: E731
    rows = wait_for(new, 15, "a CDR")
    return rows[-1], box.events(rows[-1]["call_id"])


def level(phone: AgentPhone, start: float, end: float, hz: float) -> float:
    """Return how loud hz was in what phone's first call heard between two wall times."""
    line = next(x for x in phone.lines if x["event"] == "recording")
    return heard(Path(line["path"]), start - line["at"], end - line["at"], hz, settle=True)


def test_park_and_retrieve_from_another_extension(pbx: Box) -> None:
    since = len(pbx.cdrs())
    with (
        pbx.agent("1002", tone_hz=PARKER_HZ, xfer="800:*700", record=True) as parker,
        pbx.agent("1001", tone_hz=CALLER_HZ, call="1002", record=True) as caller,
    ):
        caller.read_until("confirmed", 10)
        refer_at = parker.read_until("refer", 5)["at"]
        call_id = pbx.live_call()
        parked = wait_for(
            lambda: [e for e in pbx.events(call_id) if e["kind"] == "call.parked"], 5, "the park"
        )
        assert parked[0]["data"] == {"slot": "701", "by": "1002"}
        assert pbx.control.call("calls")["calls"][0]["state"] == "parked"
        lot = pbx.control.call("parked")["parked"]
        assert [(p["slot"], p["call_id"], p["parker"]) for p in lot] == [("701", call_id, "1002")]
        time.sleep(max(0.0, parked[0]["at"] + 1.5 - time.time()))  # music long enough to measure
        with pbx.agent("1003", tone_hz=TAKER_HZ, call="*701", talk_ms=2500) as taker:
            told = parker.read_until("disconnected", 10)  # once the box said the slot
            taken_at = taker.read_until("confirmed", 10)["at"]
            taker.read_until("disconnected", 10)
        caller.read_until("disconnected", 10)
    parked_at = parked[0]["at"]
    assert told["code"] == 200
    assert level(parker, refer_at, refer_at + 1.5, CALLER_HZ) < ABSENT  # cut off at the park
    assert level(caller, parked_at, taken_at, PARKER_HZ) < ABSENT  # the parker is gone
    notified = [x["code"] for x in parker.lines if x["event"] == "transfer" and x["final"]]
    assert notified == [200]  # the phone's transfer key reports success
    assert level(caller, parked_at, taken_at, MUSIC_HZ) > PRESENT  # music on hold while parked
    assert level(caller, taken_at, taken_at + 2.4, MUSIC_HZ) < ABSENT
    assert level(caller, taken_at, taken_at + 2.4, TAKER_HZ) > PRESENT  # bridged to the taker
    cdr, events = call_of(pbx, "1001", since)
    assert cdr["call_id"] == call_id  # one call from the first ring to the end
    kinds = [e["kind"] for e in events]
    assert kinds.index("call.parked") < kinds.index("call.retrieved")
    retrieved = next(e["data"] for e in events if e["kind"] == "call.retrieved")
    assert retrieved == {"slot": "701", "by": "1003"}
    answered = [e["data"]["agent"] for e in events if e["kind"] == "internal.answered"]
    assert answered == ["1002", "1003"]
    assert cdr["outcome"] == "answered"
    assert pbx.control.call("calls")["calls"] == []
    assert pbx.control.call("parked") == {"parked": [], "busy_callbacks": []}


def test_a_caller_parks_the_one_they_called_and_is_rung_back_when_it_times_out(
    pbx: Box,
) -> None:
    since = len(pbx.cdrs())
    with (
        pbx.agent("1002", tone_hz=TAKER_HZ, record=True) as parked,
        pbx.agent("1001", tone_hz=PARKER_HZ, call="1002", xfer="500:*700") as parker,
    ):
        parker.read_until("confirmed", 10)
        parked.read_until("recording", 10)
        parker.read_until("disconnected", 10)
        rung_back = parker.read_until("incoming", PARK_SECONDS + 5)
        back_at = parker.read_until("confirmed", 5)["at"]
        time.sleep(1.5)
    assert '"Bob Li" <sip:1002@' in rung_back["identity"]  # the parked party calls back
    assert level(parked, back_at - 2, back_at, MUSIC_HZ) > PRESENT  # the called one waited
    assert level(parked, back_at, back_at + 1.2, PARKER_HZ) > PRESENT  # talking again
    _, events = call_of(pbx, "1001", since)
    kinds = [e["kind"] for e in events]
    assert kinds.index("call.parked") < kinds.index("park.timeout")
    assert next(e["data"] for e in events if e["kind"] == "call.parked")["by"] == "1001"
    timeout = next(e["data"] for e in events if e["kind"] == "park.timeout")
    assert timeout == {"slot": "701", "parker": "1001"}
    answered = [e["data"]["agent"] for e in events if e["kind"] == "internal.answered"]
    assert answered == ["1002", "1001"]


def test_callback_on_busy_rings_both_sides_when_the_busy_extension_hangs_up(pbx: Box) -> None:
    since = len(pbx.cdrs())
    with (
        pbx.agent("1002", tone_hz=PARKER_HZ) as busy,
        pbx.agent("1003", call="1002", talk_ms=5000) as colleague,
    ):
        colleague.read_until("confirmed", 10)  # 1002 is now in a call for 5 s
        busy.read_until("incoming", 5)
        with pbx.agent("1001", call="1002,*61002", talk_ms=1500) as caller:
            assert caller.read_until("disconnected", 10)["code"] == 486  # busy
            caller.read_until("confirmed", 10)  # *61002: the box notes the request
            waiting = pbx.control.call("parked")["busy_callbacks"]
            assert [(w["caller"], w["callee"]) for w in waiting] == [("1001", "1002")]
            caller.read_until("disconnected", 10)
            colleague.read_until("disconnected", 10)
            caller.read_until("incoming", 10)  # the box rings the caller first…
            called = busy.read_until("incoming", 10)  # …then the extension now free
            busy.read_until("confirmed", 10)
            caller.read_until("disconnected", 10)
    assert '"Alice Chen" <sip:1001@' in called["identity"]
    busy_call = next(c for c in pbx.cdrs()[since:] if c["from_number"] == "1003")
    cdr, events = call_of(pbx, "1001", since)
    assert cdr["started_at"] >= busy_call["ended_at"] - 0.1  # not before 1002 hung up
    assert events[0]["data"]["via"] == "callback-on-busy"
    assert (cdr["to_number"], cdr["outcome"]) == ("1002", "answered")
    with pbx.db() as db:
        asked = db.execute(
            "SELECT kind, data FROM call_event WHERE kind LIKE 'busy_callback.%' ORDER BY id"
        ).fetchall()
    assert [row["kind"] for row in asked] == ["busy_callback.asked", "busy_callback.ringing"]
    assert f'"call_id": "{cdr["call_id"]}"' in asked[1]["data"]


@pytest.mark.parametrize("code", ["**1003", "*8"])
def test_pickup_answers_a_colleagues_ringing_phone(pbx: Box, code: str) -> None:
    since = len(pbx.cdrs())
    with (
        pbx.agent("1003", answer_ms=-1) as rung,
        pbx.agent("1001", tone_hz=CALLER_HZ, call="1003", talk_ms=2500) as caller,
    ):
        rung.read_until("incoming", 10)
        with pbx.agent("1002", tone_hz=TAKER_HZ, call=code) as taker:
            taker.read_until("confirmed", 10)
            assert rung.read_until("disconnected", 10)["code"] == 487  # stops ringing
            caller.read_until("confirmed", 10)
            ended = caller.read_until("disconnected", 10)
    assert ended["rx"] > 20  # the one who picked up was bridged to the caller
    cdr, events = call_of(pbx, "1001", since)
    picked = next(e["data"] for e in events if e["kind"] == "call.picked_up")
    assert picked == {"agent": "1002", "from": ["1003"]}
    assert (cdr["agent"], cdr["outcome"]) == ("1002", "answered")


def test_intercom_asks_the_phone_to_answer_by_itself(pbx: Box) -> None:
    since = len(pbx.cdrs())
    with (
        pbx.agent("1002", xfer="200:1003") as callee,  # a transfer the box does not take
        pbx.agent("1001", call="*801002", talk_ms=1500) as caller,
    ):
        incoming = callee.read_until("incoming", 10)
        caller.read_until("confirmed", 10)
        refused = callee.read_until("transfer", 5)
        ended = caller.read_until("disconnected", 10)
    assert (refused["code"], refused["final"]) == (603, True)
    assert ended["rx"] > 40  # the call went on after the refused transfer
    assert incoming["call_info"] == f"<sip:{pbx.settings.sip.domain}>;answer-after=0"
    assert "info=alert-autoanswer" in incoming["alert_info"]
    assert '"Alice Chen" <sip:1001@' in incoming["identity"]
    cdr, events = call_of(pbx, "1001", since)
    assert events[0]["data"]["via"] == "intercom"
    assert (cdr["direction"], cdr["to_number"], cdr["agent"]) == ("internal", "1002", "1002")


def test_feature_codes_refuse_what_is_not_there(pbx: Box) -> None:
    codes = ["*705", "**1004", "*61009", "*801009", "*700"]  # empty slot, nothing ringing,
    with pbx.agent("1001", call=",".join(codes)) as caller:  # no such ext, nothing to park
        refused = [caller.read_until("disconnected", 10)["code"] for _ in codes]
    assert refused == [404] * len(codes)
    assert pbx.control.call("calls")["calls"] == []


def test_call_waiting_rings_a_phone_already_in_a_call(pbx: Box) -> None:
    Agent.update(call_waiting=True).where(Agent.extension == "1002").execute()
    pbx.control.call("reload")
    since = len(pbx.cdrs())
    try:
        with (
            pbx.agent("1002", tone_hz=PARKER_HZ) as busy,
            pbx.agent("1003", call="1002", talk_ms=7000) as first,
        ):
            first.read_until("confirmed", 10)
            busy.read_until("incoming", 5)
            first_call = pbx.live_call()
            with pbx.agent("1001", call="1002", talk_ms=1000) as second:
                busy.read_until("incoming", 10)  # the second call rings the phone in a call
                second.read_until("confirmed", 10)
                second.read_until("disconnected", 10)
                wait_for(lambda: len(pbx.control.call("calls")["calls"]) == 1, 5, "one call")
                assert pbx.agent_status("1002")["call_id"] == first_call  # engaged by it
            first.read_until("disconnected", 10)
    finally:
        Agent.update(call_waiting=False).where(Agent.extension == "1002").execute()
        pbx.control.call("reload")
    waiting, _ = call_of(pbx, "1001", since)
    held, _ = call_of(pbx, "1003", since)
    assert (waiting["agent"], waiting["outcome"]) == ("1002", "answered")
    assert held["started_at"] < waiting["started_at"] < waiting["ended_at"] < held["ended_at"]


def test_a_speed_dial_code_calls_its_number(pbx: Box) -> None:
    SpeedDial.create(code="5", number="1002", name="Bob")
    pbx.control.call("reload")
    since = len(pbx.cdrs())
    with (
        pbx.agent("1002") as callee,
        pbx.agent("1001", call="*05,*09", talk_ms=600) as caller,
    ):
        incoming = callee.read_until("incoming", 10)
        caller.read_until("confirmed", 10)
        caller.read_until("disconnected", 10)
        assert caller.read_until("disconnected", 10)["code"] == 404  # *09: not on the list
    assert '"Alice Chen" <sip:1001@' in incoming["identity"]
    cdr, _ = call_of(pbx, "1001", since)
    assert (cdr["to_number"], cdr["agent"], cdr["outcome"]) == ("1002", "1002", "answered")


def test_an_agent_parks_a_queue_caller_and_is_free_for_the_queue(pbx: Box) -> None:
    InboundNumber.get_or_create(number="200", target_type="queue", target="support")
    pbx.control.call("reload")
    with (
        pbx.agent("1001", tone_hz=PARKER_HZ, xfer="800:*700") as agent,
        pbx.agent("1005", tone_hz=CALLER_HZ, call="200", record=True) as caller,
    ):
        agent.read_until("confirmed", 10)
        agent.read_until("disconnected", 10)
        call_id = pbx.live_call()
        status = pbx.agent_status("1001")
        assert status["state"] in ("ready", "wrap_up") and status["call_id"] is None
        with pbx.agent("1002", tone_hz=TAKER_HZ, call="*701", talk_ms=2000) as taker:
            taker.read_until("confirmed", 10)
            taker.read_until("disconnected", 10)
        assert caller.read_until("disconnected", 10)["rx"] > 100
    events = pbx.events(call_id)
    kinds = [e["kind"] for e in events]
    assert (
        kinds.index("agent.answered") < kinds.index("call.parked") < kinds.index("call.retrieved")
    )
    assert next(e["data"] for e in events if e["kind"] == "call.retrieved")["by"] == "1002"
    cdr = wait_for(lambda: [c for c in pbx.cdrs() if c["call_id"] == call_id], 15, "the CDR")
    assert (cdr[0]["queue"], cdr[0]["outcome"]) == ("support", "answered")  # one call
