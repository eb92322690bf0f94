"""CDRs are derived from call events."""

from __future__ import annotations

from typing import Any

from appliance.callflow.cdr import derive_cdr, wrap_up_by_call


def ev(kind: str, at: float, **data: Any) -> dict[str, Any]:
    return {"kind": kind, "at": at, "data": data}


START = ev("call.started", 100.0, **{"from": "13800138000", "to": "100", "direction": "inbound"})


def test_answered_call() -> None:
    cdr = derive_cdr("c1", [
        START,
        ev("queue.joined", 110.0, queue="support"),
        ev("agent.answered", 125.5, agent="1002", queue="support"),
        ev("recording.started", 125.6, file="2026/11/27/c1.wav"),
        ev("call.ended", 185.5, by="caller"),
    ])  # fmt: skip
    assert cdr == {
        "call_id": "c1", "started_at": 100.0, "ended_at": 185.5, "from_number": "13800138000",
        "to_number": "100", "direction": "inbound", "queue": "support", "agent": "1002",
        "wait_seconds": 15.5, "talk_seconds": 60.0, "outcome": "answered",
        "recording": "2026/11/27/c1.wav", "hold_seconds": 0.0, "wrap_up_seconds": 0.0,
        "transfers": 0, "overflows": 0, "overflow_queue": None,
    }  # fmt: skip


def test_caller_hanging_up_in_queue_is_abandoned() -> None:
    cdr = derive_cdr("c2", [START, ev("queue.joined", 105, queue="sales"),
                            ev("call.ended", 130, by="caller")])  # fmt: skip
    assert (cdr["outcome"], cdr["wait_seconds"], cdr["agent"], cdr["queue"]) == (
        "abandoned", 25, None, "sales")  # fmt: skip


def test_box_ending_without_agent_is_failed() -> None:
    cdr = derive_cdr("c3", [START, ev("queue.empty", 104, queue="sales"),
                            ev("call.ended", 107, by="system", reason="no agents")])  # fmt: skip
    assert (cdr["outcome"], cdr["queue"], cdr["recording"]) == ("failed", "sales", None)
    assert (cdr["wait_seconds"], cdr["talk_seconds"]) == (0.0, 0.0)


def test_interrupted_call_and_events_out_of_order() -> None:
    cdr = derive_cdr("c4", [ev("call.ended", 150, by="system", outcome="interrupted"),
                            ev("agent.answered", 120, agent="1001", queue="q"), START])  # fmt: skip
    assert cdr["outcome"] == "interrupted"
    assert cdr["talk_seconds"] == 30


def test_a_survey_after_the_agent_hung_up_is_not_talk_time() -> None:
    cdr = derive_cdr("c9", [
        START,
        ev("queue.joined", 110.0, queue="support"),
        ev("agent.answered", 120.0, agent="1002", queue="support"),
        ev("survey.started", 150.0, node="rate", agent="1002", queue="support"),
        ev("survey.answered", 155.0, score=4, agent="1002", queue="support"),
        ev("call.ended", 160.0, by="system"),
    ])  # fmt: skip
    assert (cdr["outcome"], cdr["talk_seconds"], cdr["ended_at"]) == ("answered", 30.0, 160.0)


def test_hold_is_left_out_of_talk_and_a_hold_open_at_the_end_counts_to_the_end() -> None:
    cdr = derive_cdr("c6", [
        START,
        ev("queue.joined", 100.0, queue="support"),
        ev("agent.answered", 110.0, agent="1002", queue="support"),
        ev("call.held", 130.0, agent="1002"),
        ev("call.resumed", 150.0, agent="1002"),
        ev("call.held", 200.0, agent="1002"),
        ev("call.ended", 210.0, by="caller"),
    ])  # fmt: skip
    # connected 110 → 210 = 100 s; held 130–150 (20) + 200–210 (10) = 30; talk 70
    assert (cdr["talk_seconds"], cdr["hold_seconds"]) == (70.0, 30.0)


def test_transfers_count_completed_and_blind_ones_but_not_failed_or_cancelled() -> None:
    cdr = derive_cdr("c7", [
        START,
        ev("agent.answered", 110.0, agent="1002", queue="support"),
        ev("transfer.started", 120.0, to="agent:1003", attended=True),
        ev("transfer.cancelled", 125.0, to="1003"),
        ev("transfer.started", 130.0, to="agent:1004", attended=False),
        ev("transfer.completed", 135.0, agent="1004"),
        ev("transfer.started", 140.0, to="queue:sales", attended=False),
        ev("transfer.started", 150.0, to="agent:1005", attended=False),
        ev("transfer.failed", 160.0, agent="1005"),
        ev("call.ended", 170.0, by="caller"),
    ])  # fmt: skip
    assert cdr["transfers"] == 2  # 1004 and the queue
    assert cdr["agent"] == "1002"  # the call counts for the agent who answered it first


def test_overflow_names_the_first_queue_that_sent_the_caller_on() -> None:
    cdr = derive_cdr("c8", [
        START,
        ev("queue.joined", 100.0, queue="sales"),
        ev("queue.overflow", 160.0, queue="sales", to="queue:support", reason="max wait"),
        ev("queue.joined", 160.0, queue="support"),
        ev("agent.answered", 170.0, agent="1002", queue="support"),
        ev("call.ended", 200.0, by="caller"),
    ])  # fmt: skip
    assert (cdr["queue"], cdr["overflows"], cdr["overflow_queue"]) == ("support", 1, "sales")
    assert cdr["wait_seconds"] == 70.0  # from first joining the line


def test_wrap_up_belongs_to_the_call_the_agent_was_last_on() -> None:
    def state(at: float, agent: str, state: str, **data: Any) -> dict[str, Any]:
        return ev("agent.state", at, agent=agent, state=state, **data)

    events = [
        state(10.0, "1002", "on_call", call_id="c1"),
        state(70.0, "1002", "wrap_up"),
        state(85.0, "1002", "ready"),  # 15 s of wrap-up for c1
        state(90.0, "1003", "on_call", call_id="c2"),
        state(95.0, "1003", "wrap_up"),
        state(100.0, "1002", "wrap_up"),  # not after a call: nobody's wrap-up
        state(125.0, "1003", "not_ready", reason="lunch"),  # 30 s for c2
        state(130.0, "1002", "ready"),
    ]
    assert wrap_up_by_call(events) == {"c1": 15.0, "c2": 30.0}


def test_an_agentless_campaign_call_is_answered_from_its_flow_and_a_drop_is_not() -> None:
    out = ev("call.started", 100.0, **{"from": "", "to": "+8613800138001",
                                        "direction": "outbound", "via": "campaign"})  # fmt: skip
    survey = derive_cdr("c9", [out, ev("campaign.answered", 104.0),
                               ev("campaign.flow", 104.1, flow="满意度", version=1),
                               ev("call.ended", 120.1, by="system")])  # fmt: skip
    assert (survey["outcome"], survey["talk_seconds"], survey["agent"]) == ("answered", 16.0, None)
    dropped = derive_cdr("c10", [out, ev("campaign.answered", 104.0),
                                 ev("campaign.dropped", 106.0),
                                 ev("call.ended", 111.0, by="system")])  # fmt: skip
    assert (dropped["outcome"], dropped["talk_seconds"]) == ("failed", 0.0)
