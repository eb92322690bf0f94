"""Campaigns that really dial: the engine's dialer against a SIPp carrier, with real agents.

The carrier (`carrier_by_number.xml`) answers by the dialled number's last digit:
1 answers, 2 is busy (486), 3 is unreachable (480), 4 answers and keys 4, 5 answers
with a machine's greeting, 6 with a person's "Hello?" (espeak-ng speech as RTP).  Agents are
pjsua2 phones that answer and hang up after a moment.  The campaign and its list are
written to the box's store as the CLI writes them; the engine's control commands start
them and report their figures.
"""

from __future__ import annotations

import contextlib
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import SCENARIOS, Box, free_port, wait_for
from dtmf_pcap import ENGINE_EVENT_TYPE, retyped_digit
from speech_pcap import spoken_pcap

from appliance import demo
from appliance.engine.control import ControlError
from appliance.prompts.manager import prompt_path
from appliance.store.campaigns import create_campaign, import_contacts, schedule_callback
from appliance.store.models import (
    Campaign,
    CampaignContact,
    DialAttempt,
    ScheduledCallback,
    Trunk,
)

pytestmark = pytest.mark.e2e

ALWAYS = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
ANSWERS, BUSY, GONE, KEYS = "13800138001", "13800138002", "13800138003", "13800138004"
MACHINE, PERSON = "13800138005", "13800138006"
GREETING = ("Hello, you have reached the office of John Smith. I cannot take your call "
            "right now, please leave a message after the tone.")  # fmt: skip
SURVEY = {
    "start": "rate",
    "language": "en",
    "nodes": {"rate": {"type": "survey", "prompt": "survey-rate", "thanks": "survey-thanks",
                       "timeout": 5, "retries": 1}},
}  # fmt: skip


def e164(national: str) -> str:
    """Return a Chinese mobile number as the list stores it."""
    return "+86" + national


def campaign(name: str, mode: str, numbers: list[str], **settings: Any) -> Campaign:
    """Create a campaign open all week and import its list (a CSV, as `callbox` would)."""
    row = create_campaign(name, mode, window=ALWAYS, **settings)
    rows = "".join(f"{n},客户{i},A{i}\n" for i, n in enumerate(numbers))
    data = ("phone,name,订单\n" + rows).encode()
    _, report = import_contacts(row, data, "list.csv", "CN")
    assert not report.errors
    return row


@contextlib.contextmanager
def carrier(box: Box, calls: int, **sets: int) -> Iterator[tuple[Any, Path]]:
    """Run the carrier on the demo trunk's address for `calls` calls."""
    port = free_port()
    Trunk.update(port=port).where(Trunk.name == demo.TRUNK_NAME).execute()
    box.control.call("reload")
    extra = [arg for name, value in sets.items() for arg in ("-set", name, str(value))]
    scenario = box.var / "carrier_by_number.xml"
    template = (SCENARIOS / "carrier_by_number.xml").read_text()
    pcaps = {"DIGIT_PCAP": retyped_digit(box.var, "4"),
             "GREETING_PCAP": spoken_pcap(box.var, "greeting", GREETING, 0.3, 2),
             "HELLO_PCAP": spoken_pcap(box.var, "hello", "Hello?", 0.3, 4)}  # fmt: skip
    for placeholder, pcap in pcaps.items():
        template = template.replace(placeholder, str(pcap))
    scenario.write_text(template)
    with box.sipp_uas(str(scenario), port, calls, extra, "60s") as running:
        yield running


def status(box: Box, row: Campaign) -> dict[str, Any]:
    """Return the engine's figures of one campaign."""
    return dict(box.control.call("campaign.status", campaign=row.name)["campaigns"][0])


def contacts(row: Campaign) -> dict[str, tuple[int, str, bool]]:
    """Return each contact's attempts, last outcome and done, by number."""
    query = CampaignContact.select().where(CampaignContact.campaign == row)
    return {c.number: (c.attempts, c.last_outcome, bool(c.done)) for c in query}


def attempts(row: Campaign) -> list[DialAttempt]:
    """Return the campaign's dial attempts in order."""
    query = DialAttempt.select().where(DialAttempt.campaign == row)
    return list(query.order_by(DialAttempt.id))


def seconds_of(path: Path) -> float:
    """Return a WAV file's length."""
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_a_progressive_campaign_reaches_every_contact_or_runs_out_of_retries(box: Box) -> None:
    numbers = [ANSWERS, BUSY, GONE, "13900139001", "13900139002", "13900139003"]
    policy = {"rules": {"busy": [1, 2], "no_answer": [1, 2]}}
    row = campaign("回访", "progressive", numbers, queue="support", caller_id="075586000000",
                   retry_policy=policy)  # fmt: skip
    with carrier(box, 10, ring_ms=300) as (far, trace):
        with box.agent("1001", talk_ms=1200), box.agent("1002", talk_ms=1200):
            box.control.call("campaign.start", campaign="回访")
            wait_for(lambda: Campaign.get_by_id(row.id).status == "finished", 25, "the end")
        wait_for(lambda: far.poll() is not None, 10, "the carrier's last call")
    assert contacts(row) == {
        e164(ANSWERS): (1, "connected", True), e164("13900139001"): (1, "connected", True),
        e164(BUSY): (2, "busy", True), e164("13900139002"): (2, "busy", True),
        e164(GONE): (2, "no_answer", True), e164("13900139003"): (2, "no_answer", True),
    }  # fmt: skip
    made = attempts(row)
    assert len(made) == 10 and all(a.outcome and a.call_id and a.ended_at for a in made)
    connected = [a for a in made if a.outcome == "connected"]
    assert len(connected) == 2 and {a.agent for a in connected} <= {"1001", "1002"}
    sent = trace.read_text()
    assert "P-Asserted-Identity: <sip:075586000000@" in sent  # the campaign's caller ID
    cdrs = {c["call_id"]: c for c in wait_for(lambda: len(box.cdrs()) >= 10 and box.cdrs(), 10,
                                                    "the CDRs")}  # fmt: skip
    for attempt in connected:
        cdr = cdrs[attempt.call_id]
        assert (cdr["direction"], cdr["outcome"], cdr["agent"]) == (
            "outbound",
            "answered",
            attempt.agent,
        )
        assert cdr["talk_seconds"] > 0.5
        event = next(e for e in box.events(attempt.call_id) if e["kind"] == "campaign.connected")
        assert event["data"] == {"agent": attempt.agent, "call": attempt.call_id,
                                 "campaign": row.id, "contact": attempt.contact.id,
                                 "attempt": attempt.id}  # fmt: skip
    for attempt in made:
        assert attempt.call_id in cdrs
    first = connected[0]
    later = time.time() + 3600
    kept = box.control.call("campaign.disposition", agent=first.agent, attempt=first.id,
                            disposition="回拨", note="明天再打", callback_at=later)  # fmt: skip
    assert kept["done"] is False  # brought back for the callback
    contact = CampaignContact.get_by_id(first.contact.id)
    assert (contact.disposition, contact.notes, contact.done) == ("回拨", "明天再打", False)
    callback = ScheduledCallback.get(ScheduledCallback.contact == contact)
    assert (callback.due_at, callback.agent) == (later, "")
    figures = status(box, row)
    assert figures["status"] == "finished" and figures["mode"] == "progressive"
    assert (figures["dialled_today"], figures["connected_today"]) == (10, 2)
    assert figures["drop_rate"] == 0 and figures["in_window"] is True


def test_an_answer_with_no_agent_free_hears_the_message_and_is_dropped(
    box: Box, prompts: Path
) -> None:
    row = campaign("提醒", "progressive", [ANSWERS], queue="sales",
                   retry_policy={"rules": {"dropped": [600, 3]}})  # fmt: skip
    message = seconds_of(prompt_path(prompts, "en", "campaign-dropped"))
    with carrier(box, 1, ring_ms=2000) as (far, _), box.agent("1004", answer_ms=-1):
        box.control.call("campaign.start", campaign=row.id)
        wait_for(lambda: attempts(row), 10, "the dial")  # placed for the ready agent
        box.control.call("agent.state", extension="1004", state="not_ready")  # gone meanwhile
        wait_for(lambda: far.poll() is not None, 20, "the carrier's call to end")
    made = wait_for(lambda: attempts(row)[0].outcome and attempts(row), 10, "the outcome")
    assert [a.outcome for a in made] == ["dropped"]
    events = box.events(made[0].call_id)
    kinds = [e["kind"] for e in events]
    assert kinds.index("campaign.answered") < kinds.index("campaign.dropped")
    assert "agent.ringing" not in kinds
    answered = next(e["at"] for e in events if e["kind"] == "campaign.answered")
    ended = next(e for e in events if e["kind"] == "call.ended")
    assert ended["at"] - answered >= 2 + message - 0.2  # the wait, then the whole message
    sent = ended["data"]["rtp"]["prospect"]["tx"]  # 20 ms packets the contact was sent
    assert sent >= 0.8 * 50 * message
    attempts_made, outcome, done = contacts(row)[e164(ANSWERS)]
    assert (attempts_made, outcome, done) == (1, "dropped", False)  # retried per the policy
    contact = CampaignContact.get(CampaignContact.campaign == row)
    assert contact.next_attempt_at == pytest.approx(made[0].ended_at + 600, abs=1)
    figures = status(box, row)
    assert figures["drop_rate"] == 1.0 and figures["capped"] is True
    box.control.call("campaign.stop", campaign=row.name)


def test_amd_hangs_up_on_a_machine_and_gives_a_person_to_the_agent(box: Box) -> None:
    policy = {"rules": {"machine": [1, 2]}}
    row = campaign("留言检测", "progressive", [MACHINE, PERSON], queue="support", amd=True,
                   retry_policy=policy)  # fmt: skip
    with carrier(box, 3, ring_ms=300) as (far, _), box.agent("1001", talk_ms=1000):
        box.control.call("campaign.start", campaign=row.name)
        wait_for(lambda: Campaign.get_by_id(row.id).status == "finished", 20, "the end")
        wait_for(lambda: far.poll() is not None, 10, "the carrier's last call")
    assert contacts(row) == {
        e164(MACHINE): (2, "machine", True),  # retried once per the policy, then given up
        e164(PERSON): (1, "connected", True),
    }
    for attempt in attempts(row):
        events = box.events(attempt.call_id)
        (amd,) = [e["data"] for e in events if e["kind"] == "campaign.amd"]
        assert amd["call"] == attempt.call_id and 0.5 < amd["seconds"] < 3.5
        kinds = [e["kind"] for e in events]
        if attempt.outcome == "machine":
            assert amd["verdict"] == "machine" and "agent.ringing" not in kinds
            assert amd["reason"] in {"max_words", "long_greeting"}  # it heard the greeting
        else:
            assert (amd["verdict"], amd["reason"]) == ("human", "after_greeting_silence")
            assert attempt.agent == "1001"
            assert kinds.index("campaign.amd") < kinds.index("campaign.connected")


def test_amd_hangs_up_on_a_machine_before_an_agentless_flow(box: Box) -> None:
    box.control.call("flow.publish", name="通知", graph=SURVEY)
    row = campaign("通知", "agentless", [MACHINE], flow="通知", amd=True,
                   retry_policy={"rules": {}})  # fmt: skip
    with carrier(box, 1, ring_ms=200) as (far, _):
        box.control.call("campaign.start", campaign=row.name)
        wait_for(lambda: far.poll() is not None, 15, "the carrier's call to end")
    wait_for(lambda: Campaign.get_by_id(row.id).status == "finished", 10, "the end")
    assert contacts(row) == {e164(MACHINE): (1, "machine", True)}  # no rule: not retried
    kinds = [e["kind"] for e in box.events(attempts(row)[0].call_id)]
    assert "campaign.amd" in kinds and "campaign.flow" not in kinds  # nothing played to it


def test_an_agentless_survey_campaign_stores_the_answers(box: Box, prompts: Path) -> None:
    box.control.call("flow.publish", name="满意度", graph=SURVEY)
    row = campaign("满意度调查", "agentless", [KEYS], flow="满意度")
    rate = seconds_of(prompt_path(prompts, "en", "survey-rate"))
    with carrier(box, 1, ring_ms=200, dtmf_ms=int(rate * 1000) + 700) as (far, trace):
        box.control.call("campaign.start", campaign=row.name)
        wait_for(lambda: far.poll() is not None, 20, "the carrier's call to end")
    assert f"a=rtpmap:{ENGINE_EVENT_TYPE} telephone-event" in trace.read_text()  # as keyed
    wait_for(lambda: Campaign.get_by_id(row.id).status == "finished", 10, "the end")
    made = attempts(row)
    assert [a.outcome for a in made] == ["connected"]
    with contextlib.closing(box.db()) as conn:
        rows = [dict(r) for r in conn.execute("SELECT * FROM survey_result")]
    assert [(r["call_id"], r["flow"], r["node"], r["score"]) for r in rows] == [
        (made[0].call_id, "满意度", "rate", 4)
    ]
    assert contacts(row) == {e164(KEYS): (1, "connected", True)}
    cdr = wait_for(lambda: [c for c in box.cdrs() if c["call_id"] == made[0].call_id], 10, "CDR")[0]
    assert (cdr["direction"], cdr["outcome"]) == ("outbound", "answered")
    assert cdr["talk_seconds"] > rate  # from entering the flow to the box's goodbye


def test_commands_refuse_clearly_and_keep_the_status_rule(box: Box) -> None:
    row = campaign("预览", "preview", [ANSWERS], queue="sales", script="您好")
    for command, args, error in [
        ("campaign.start", {"campaign": "没有"}, "no-such-campaign"),
        ("campaign.pause", {"campaign": row.name}, "bad-move"),  # a draft is not running
        ("campaign.status", {"campaign": 999}, "no-such-campaign"),
        ("campaign.disposition", {"agent": "1004", "attempt": 999, "disposition": "ok"},
         "no-such-attempt"),
        ("campaign.disposition", {"agent": "1004", "attempt": 1, "disposition": ""}, "bad-args"),
        ("campaign.preview_next", {"agent": "1004"}, "not-in-campaign"),  # not running yet
    ]:  # fmt: skip
        with pytest.raises(ControlError) as refused:
            box.control.call(command, **args)
        assert refused.value.error_id == error, (command, str(refused.value))
    assert Campaign.get_by_id(row.id).status == "draft"  # nothing moved
    box.control.call("campaign.start", campaign=row.name)
    with pytest.raises(ControlError) as refused:
        box.control.call("campaign.preview_next", agent="1001")  # support, not sales
    assert refused.value.error_id == "not-in-campaign"
    held = box.control.call("campaign.preview_next", agent="1004")
    assert held["contact"]["number"] == e164(ANSWERS) and held["script"] == "您好"
    assert (held["contact"]["name"], held["contact"]["fields"]) == ("客户0", {"订单": "A0"})
    assert box.control.call("campaign.preview_next", agent="1005")["contact"] is None  # held
    with pytest.raises(ControlError) as refused:
        box.control.call("campaign.preview_dial", agent="1005", contact=held["contact"]["id"])
    assert refused.value.error_id == "not-held"
    skipped = box.control.call("campaign.preview_skip", agent="1004",
                               contact=held["contact"]["id"])  # fmt: skip
    assert skipped["skipped"] is True
    assert (
        box.control.call("campaign.preview_next", agent="1005")["contact"]["id"]
        == (held["contact"]["id"])
    )  # handed back: a colleague may take it
    box.control.call("campaign.stop", campaign=row.name)
    with pytest.raises(ControlError) as refused:
        box.control.call("campaign.start", campaign=row.name)
    assert refused.value.error_id == "bad-move" and "stopped" in str(refused.value)


def test_a_preview_record_is_dialled_from_the_agents_phone(box: Box) -> None:
    row = campaign("预览外呼", "preview", [ANSWERS], queue="sales", caller_id="075586000000")
    box.control.call("campaign.start", campaign=row.name)
    with carrier(box, 1, ring_ms=300) as (far, trace), box.agent("1004", talk_ms=1000) as phone:
        held = box.control.call("campaign.preview_next", agent="1004")
        placed = box.control.call("campaign.preview_dial", agent="1004",
                                  contact=held["contact"]["id"])  # fmt: skip
        phone.read_until("incoming", 10)  # the agent's own phone rings first
        phone.read_until("disconnected", 15)
        wait_for(lambda: far.poll() is not None, 10, "the carrier's call to end")
    made = wait_for(lambda: attempts(row)[0].outcome and attempts(row), 10, "the outcome")
    assert [(a.id, a.call_id, a.agent, a.outcome) for a in made] == [
        (placed["attempt"], placed["call_id"], "1004", "connected")
    ]
    assert "P-Asserted-Identity: <sip:075586000000@" in trace.read_text()
    event = next(e for e in box.events(placed["call_id"]) if e["kind"] == "campaign.connected")
    assert event["data"]["agent"] == "1004" and event["data"]["attempt"] == placed["attempt"]
    box.control.call("campaign.disposition", agent="1004", attempt=placed["attempt"],
                     disposition="已回访")  # fmt: skip
    assert contacts(row) == {e164(ANSWERS): (1, "connected", True)}
    wait_for(lambda: Campaign.get_by_id(row.id).status == "finished", 5, "the end")


def test_a_due_callback_is_dialled_first_and_goes_to_its_agent(box: Box) -> None:
    row = campaign("回拨", "progressive", [ANSWERS, "13900139001"], queue="support")
    kept = CampaignContact.get(CampaignContact.number == e164(ANSWERS))
    schedule_callback(kept, time.time() - 1, agent="1002", note="约好下午")
    with carrier(box, 2, ring_ms=300) as (far, _):
        with box.agent("1002", talk_ms=1000), box.agent("1001", talk_ms=1000):
            box.control.call("campaign.start", campaign=row.name)
            wait_for(lambda: Campaign.get_by_id(row.id).status == "finished", 20, "the end")
        wait_for(lambda: far.poll() is not None, 10, "the carrier's last call")
    made = attempts(row)
    assert [(a.number, a.agent, a.outcome) for a in made] == [
        (e164(ANSWERS), "1002", "connected"),  # the callback first, for its agent
        (e164("13900139001"), "1001", "connected"),  # the other ready agent
    ]
    assert ScheduledCallback.get(ScheduledCallback.contact == kept).done_at is not None
