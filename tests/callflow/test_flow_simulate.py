"""The simulator walks a flow from key presses alone, for every node type."""

from __future__ import annotations

from typing import Any

from appliance.callflow.flow import EnterQueue, Play
from appliance.callflow.flow.simulate import simulate
from appliance.demo import IVR_GRAPH

MENU = Play("main-menu", "en", interruptible=True, wait=6.0)


def prompts(trace: Any) -> list[str]:
    return [p.prompt for p in trace.played]


def test_play_menu_queue_with_keys_pressed_at_the_menu() -> None:
    trace = simulate(IVR_GRAPH, caller="13800000000", at=0.0, keys=".2")
    assert trace.path == ["welcome", "menu", "support"]
    assert trace.played == [Play("welcome", "en"), MENU]
    assert (trace.end, trace.queued) == ("queue:support", EnterQueue("support"))


def test_a_key_during_the_greeting_is_typed_ahead() -> None:
    trace = simulate(IVR_GRAPH, keys="1")
    assert (trace.path, prompts(trace), trace.end) == (
        ["welcome", "menu", "sales"],
        ["welcome"],
        "queue:sales",
    )


def test_invalid_key_then_silence_until_goodbye_and_hangup() -> None:
    trace = simulate(IVR_GRAPH, keys=".9")
    heard = ["welcome", "main-menu", "invalid", "main-menu", "main-menu", "goodbye"]
    assert prompts(trace) == heard
    assert trace.path[-2:] == ["goodbye", "hangup"]
    assert trace.end == "hangup"


def test_repeat_key_replays_the_menu() -> None:
    graph = {**IVR_GRAPH, "nodes": {**IVR_GRAPH["nodes"]}}
    graph["nodes"]["menu"] = {**IVR_GRAPH["nodes"]["menu"], "repeat_key": "*"}
    trace = simulate(graph, keys=".**1")
    assert prompts(trace) == ["welcome", "main-menu", "main-menu", "main-menu"]
    assert trace.end == "queue:sales"


def test_collect_goto_set_language_and_queue_priority_and_skills() -> None:
    graph = {
        "start": "lang",
        "nodes": {
            "lang": {"type": "menu", "prompt": "main-menu", "choices": {"1": "en", "2": "zh"}},
            "zh": {"type": "set_language", "language": "zh", "next": "ask"},
            "en": {"type": "goto", "next": "ask"},
            "ask": {"type": "collect", "variable": "order", "prompt": "callback-enter-number",
                    "max_digits": 6, "next": "vip"},
            "vip": {"type": "queue", "queue": "support", "priority": 3, "skills": {"zh": 1}},
            "bye": {"type": "hangup"},
        },
    }  # fmt: skip
    trace = simulate(graph, keys="24711#")
    assert trace.path == ["lang", "zh", "ask", "vip"]
    assert [(p.prompt, p.language) for p in trace.played] == [
        ("main-menu", "en"),
        ("callback-enter-number", "zh"),
    ]
    assert trace.variables == {"order": "4711"}
    assert trace.queued == EnterQueue("support", 3, {"zh": 1})
    assert simulate(graph, keys="1123456").path == ["lang", "en", "ask", "vip"]


def test_a_broken_flow_ends_in_an_error_and_an_endless_one_is_cut() -> None:
    broken = {"start": "a", "nodes": {"a": {"type": "play", "prompt": "x", "next": "b"}}}
    trace = simulate(broken)
    assert trace.end == "error: node 'a' leads to unknown node 'b'"
    assert trace.path == ["a"]
    endless = {**IVR_GRAPH, "nodes": {**IVR_GRAPH["nodes"]}}
    endless["nodes"]["goodbye"] = {"type": "goto", "next": "menu"}
    assert simulate(endless).end == "too-long"
