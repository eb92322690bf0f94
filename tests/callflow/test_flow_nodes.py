"""Node types walked one happening at a time, as the engine drives them."""

from __future__ import annotations

from typing import Any

import pytest

from appliance.callflow.flow import NODE_TYPES, EnterQueue, FlowError, FlowRun, Hangup, Play
from appliance.callflow.flow.instructions import Wait


def flow(start: str, **nodes: dict[str, Any]) -> dict[str, Any]:
    return {"start": start, "language": "en", "nodes": {"bye": {"type": "hangup"}, **nodes}}


MENU = {"type": "menu", "prompt": "main-menu", "choices": {"1": "bye"}, "repeat_key": "*"}
ACCOUNT = {
    "type": "collect", "variable": "account", "prompt": "enter", "min_digits": 3,
    "max_digits": 5, "timeout": 4, "retries": 2, "next": "bye",
}  # fmt: skip


def test_every_node_type_registers_itself_by_name() -> None:
    expected = {"play", "menu", "collect", "queue", "hangup", "goto", "set_language"}
    assert expected <= set(NODE_TYPES)


def test_repeat_key_replays_the_menu_without_using_a_try() -> None:
    run = FlowRun(flow("m", m={**MENU, "retries": 2}))
    menu = Play("main-menu", "en", interruptible=True, wait=5.0)
    assert run.start() == menu
    for _ in range(3):
        assert run.on_digit("*") == menu
    assert run.on_played() == menu  # one silent try of two
    assert run.on_played() == Hangup()


def test_goto_jumps_and_set_language_switches_the_prompts() -> None:
    run = FlowRun(
        flow(
            "zh",
            zh={"type": "set_language", "language": "zh", "next": "jump"},
            jump={"type": "goto", "next": "hi"},
            hi={"type": "play", "prompt": "welcome", "next": "bye"},
        )
    )
    assert run.start() == Play("welcome", "zh")
    assert run.path == ["zh", "jump", "hi"]


def test_collect_ends_at_the_terminator_and_keeps_the_digits() -> None:
    run = FlowRun(flow("acct", acct=ACCOUNT))
    assert run.start() == Play("enter", "en", interruptible=True, wait=4.0)
    assert [run.on_digit(d) for d in "1234"] == [Wait(3.0)] * 4  # each digit: wait for more
    assert run.on_digit("#") == Hangup()
    assert run.variables == {"account": "1234"}


def test_collect_ends_when_the_caller_pauses_between_digits() -> None:
    run = FlowRun(flow("acct", acct={**ACCOUNT, "inter_digit": 2}))
    run.start()
    assert [run.on_digit(d) for d in "123"] == [Wait(2.0)] * 3
    assert run.on_played() == Hangup()  # the pause after the third digit ended the entry
    assert run.variables == {"account": "123"}


def test_collect_ends_at_max_digits_and_takes_typed_ahead_digits() -> None:
    greeting = {"type": "play", "prompt": "welcome", "next": "acct"}
    run = FlowRun(flow("hi", hi=greeting, acct=ACCOUNT))
    run.start()
    for d in "12":
        run.on_digit(d)
    assert run.on_played() == Wait(3.0)  # the entry has begun: no prompt over it
    assert [run.on_digit(d) for d in "345"] == [Wait(3.0), Wait(3.0), Hangup()]
    assert run.variables["account"] == "12345"


def test_collect_too_short_retries_then_fails() -> None:
    run = FlowRun(
        flow(
            "acct", acct={**ACCOUNT, "failed": "sorry"}, sorry={"type": "queue", "queue": "support"}
        )
    )
    prompt = run.start()
    run.on_digit("1")
    assert run.on_played() == prompt  # timed out with one digit of three
    assert run.on_digit("#") == EnterQueue("support")
    assert "account" not in run.variables


def test_a_loop_without_input_is_stopped() -> None:
    run = FlowRun(flow("a", a={"type": "goto", "next": "b"}, b={"type": "goto", "next": "a"}))
    with pytest.raises(FlowError, match="loops without waiting"):
        run.start()
