"""The IVR interpreter walks the demo flow as callers would."""

from __future__ import annotations

import pytest

from appliance.callflow.ivr import EnterQueue, FlowError, FlowRun, Hangup, Play
from appliance.demo import IVR_GRAPH

# The demo's flow, played in Chinese: the walk is the same in any language.
FLOW = {**IVR_GRAPH, "language": "zh"}


def test_greeting_then_menu_choice_queues_the_caller() -> None:
    run = FlowRun(FLOW)
    assert run.start() == Play("welcome", "zh")
    assert run.on_played() == Play("main-menu", "zh", interruptible=True, wait=6.0)
    assert run.on_digit("2") == EnterQueue("support")
    assert run.path == ["welcome", "menu", "support"]


def test_digit_during_greeting_is_kept_for_the_menu() -> None:
    run = FlowRun(FLOW)
    run.start()
    assert run.on_digit("1") is None
    assert run.on_played() == EnterQueue("sales")


def test_invalid_choice_says_so_then_repeats_the_menu() -> None:
    run = FlowRun(FLOW)
    run.start()
    run.on_played()
    assert run.on_digit("9") == Play("invalid", "zh", interruptible=True)
    assert run.on_played() == Play("main-menu", "zh", interruptible=True, wait=6.0)
    assert run.on_digit("1") == EnterQueue("sales")


def test_silence_runs_out_the_retries_and_says_goodbye() -> None:
    run = FlowRun(FLOW)
    run.start()
    run.on_played()  # menu prompt + wait
    assert run.on_played() == Play("main-menu", "zh", interruptible=True, wait=6.0)
    assert run.on_played() == Play("main-menu", "zh", interruptible=True, wait=6.0)
    assert run.on_played() == Play("goodbye", "zh")
    assert run.on_played() == Hangup()


def test_dangling_target_names_the_node() -> None:
    flow = {"start": "a", "nodes": {"a": {"type": "play", "prompt": "x", "next": "nowhere"}}}
    run = FlowRun(flow)
    run.start()
    with pytest.raises(FlowError, match="'a' leads to unknown node 'nowhere'"):
        run.on_played()


def test_unknown_node_type_is_an_error() -> None:
    with pytest.raises(FlowError, match="unknown type 'dance'"):
        FlowRun({"start": "a", "nodes": {"a": {"type": "dance"}}}).start()


def test_a_queue_node_can_give_the_caller_priority() -> None:
    flow = {"start": "vip", "nodes": {"vip": {"type": "queue", "queue": "support", "priority": 5}}}
    assert FlowRun(flow).start() == EnterQueue("support", priority=5)
    assert FlowRun(FLOW).goto("sales") == EnterQueue("sales", priority=0)


def test_a_queue_node_can_require_skills_of_the_caller() -> None:
    node = {"type": "queue", "queue": "support", "skills": {"cantonese": 2}}
    flow = {"start": "hk", "nodes": {"hk": node}}
    assert FlowRun(flow).start() == EnterQueue("support", skills={"cantonese": 2})
    node["skills"] = {"cantonese": "fluent"}
    with pytest.raises(FlowError, match="skills must map skill names to levels"):
        FlowRun(flow).start()
