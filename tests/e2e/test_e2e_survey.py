"""Post-call surveys with real SIP: the agent hangs up first, the caller rates the call.

The caller is SIPp with RFC 4733 DTMF; the agent is a pjsua2 phone that hangs up
after `--talk-ms`.  The demo flow is published with a survey after the support queue.
"""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import pytest
from boxharness import Box, wait_for

from appliance.demo import IVR_GRAPH, IVR_NAME

pytestmark = pytest.mark.e2e

TALK_MS = 1500  # the agent hangs up this long after answering


def publish_survey(box: Box, **fields: Any) -> None:
    """Publish the demo flow with a survey after the support queue."""
    graph = copy.deepcopy(IVR_GRAPH)
    graph["nodes"]["support"]["survey"] = "rate"
    graph["nodes"]["rate"] = {
        "type": "survey", "prompt": "survey-rate", "invalid_prompt": "survey-invalid",
        "thanks": "survey-thanks", **fields,
    }  # fmt: skip
    box.control.call("flow.publish", name=IVR_NAME, graph=graph)


def results(box: Box) -> list[dict[str, Any]]:
    with contextlib.closing(box.db()) as conn:
        return [dict(r) for r in conn.execute("SELECT * FROM survey_result ORDER BY id")]


def test_a_survey_answer_stored_against_the_call(box: Box) -> None:
    publish_survey(box, comment_prompt="survey-comment", comment_silence=1)
    with box.agent("1001", talk_ms=TALK_MS) as agent:
        caller = box.sipp("caller_survey", menu_ms=1000, survey_ms=4000)
        assert caller.returncode == 0, caller.stdout[-2000:]
        agent.read_until("disconnected", 5)
    cdr = box.wait_cdr()
    rows = wait_for(lambda: results(box), 10, "a survey result")
    assert len(rows) == 1
    row = rows[0]
    assert (row["call_id"], row["score"], row["agent"], row["queue"]) == (
        cdr["call_id"], 4, "1001", "support")  # fmt: skip
    assert (row["flow"], row["flow_version"], row["node"]) == (IVR_NAME, 2, "rate")
    comment = Path(box.var) / "surveys" / row["comment"]  # the caller was silent: ended by that
    assert row["comment"].endswith(f"{cdr['call_id']}-rate.wav") and comment.stat().st_size > 44
    kinds = box.kinds(cdr["call_id"])
    assert kinds.index("agent.answered") < kinds.index("survey.started")
    assert kinds.index("survey.started") < kinds.index("survey.answered")
    assert kinds.index("survey.answered") < kinds.index("survey.comment")
    answered = next(e for e in box.events(cdr["call_id"]) if e["kind"] == "survey.answered")
    assert answered["data"] == {"node": "rate", "score": 4, "agent": "1001", "queue": "support"}
    assert (cdr["outcome"], cdr["agent"]) == ("answered", "1001")
    assert cdr["talk_seconds"] < 4  # the survey is not talk time
    listed = box.control.call("survey.results", call_id=cdr["call_id"])["results"]
    assert [r["score"] for r in listed] == [4]


def test_a_caller_who_presses_nothing_is_thanked_and_the_call_ends(box: Box) -> None:
    publish_survey(box, timeout=1, retries=1)
    with box.agent("1001", talk_ms=TALK_MS):
        caller = box.sipp("caller_hold_bye", menu_ms=1000)  # presses 2, then nothing
        assert caller.returncode == 0, caller.stdout[-2000:]
    cdr = box.wait_cdr()
    rows = wait_for(lambda: results(box), 10, "a survey result")
    assert [(r["call_id"], r["score"], r["agent"]) for r in rows] == [
        (cdr["call_id"], None, "1001")
    ]
    prompts = [e["data"]["prompt"] for e in box.events(cdr["call_id"]) if e["kind"] == "ivr.prompt"]
    assert prompts[-2:] == ["survey-rate", "survey-thanks"]
    assert box.events(cdr["call_id"])[-1]["data"]["reason"] == "survey done"
