"""CDRs are derived from call events."""

from __future__ import annotations

from typing import Any

from appliance.callflow.cdr import derive_cdr


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
        "recording": "2026/11/27/c1.wav",
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
