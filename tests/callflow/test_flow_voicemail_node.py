"""The voicemail node: validation, walking it, and the simulator's view of it."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.callflow.flow import NODE_TYPES, FlowRun
from appliance.callflow.flow.instructions import LeaveMessage
from appliance.callflow.flow.simulate import simulate
from appliance.callflow.flow.validate import validate
from appliance.prompts.catalog import PROMPTS

# After hours: "sorry, we are closed"; 1 leaves a message for support, silence or a
# wrong key (three tries) ends in the general box.
AFTER_HOURS: dict[str, Any] = {
    "start": "closed",
    "language": "en",
    "nodes": {
        "closed": {"type": "play", "prompt": "no-agents", "next": "menu"},
        "menu": {"type": "menu", "prompt": "main-menu", "choices": {"1": "support-box"},
                 "invalid_prompt": "invalid", "retries": 2, "failed": "general-box"},
        "support-box": {"type": "voicemail", "box": "support"},
        "general-box": {"type": "voicemail", "box": "general"},
    },
}  # fmt: skip


def problems(graph: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.node, p.message) for p in validate(graph, set(PROMPTS), {"support"})]


def test_the_voicemail_node_type_is_registered() -> None:
    assert "voicemail" in NODE_TYPES


def test_a_flow_ending_in_voicemail_boxes_is_valid() -> None:
    assert problems(AFTER_HOURS) == []


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"type": "voicemail"}, "'box' is required"),
        ({"type": "voicemail", "box": ""}, "'box' is required"),
        ({"type": "voicemail", "box": "../etc"}, "'box' must be a mailbox name"),
        ({"type": "voicemail", "box": "a b"}, "'box' must be a mailbox name"),
    ],
)
def test_a_voicemail_node_must_name_its_box(node: dict[str, Any], message: str) -> None:
    graph = {"start": "vm", "nodes": {"vm": node}}
    [(node_id, found)] = problems(graph)
    assert node_id == "vm" and found.startswith(message)


def test_entering_the_node_asks_the_engine_to_record_into_the_box() -> None:
    run = FlowRun({"start": "vm", "nodes": {"vm": {"type": "voicemail", "box": "1001"}}})
    assert run.start() == LeaveMessage("1001")
    assert run.path == ["vm"]


def test_simulating_a_caller_who_presses_1() -> None:
    trace = simulate(AFTER_HOURS, keys=".1")
    assert trace.end == "voicemail:support"
    assert trace.path == ["closed", "menu", "support-box"]


def test_a_silent_caller_or_wrong_keys_end_in_the_general_box() -> None:
    silent = simulate(AFTER_HOURS)
    assert silent.end == "voicemail:general"
    assert [p.prompt for p in silent.played] == ["no-agents", "main-menu", "main-menu"]
    wrong = simulate(AFTER_HOURS, keys=".97")
    assert wrong.end == "voicemail:general"
    assert "invalid" in [p.prompt for p in wrong.played]
