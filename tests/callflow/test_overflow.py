"""Overflow targets: parsing, validation at configure time, full queues, IVR re-entry."""

from __future__ import annotations

import pytest

from appliance.callflow.acd import Acd, AgentStatus, QueueConfig
from appliance.callflow.ivr import EnterQueue, FlowRun, Play
from appliance.callflow.targets import overflow_target
from appliance.demo import IVR_GRAPH


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("", ("", "")),
        ("queue:sales", ("queue", "sales")),
        ("ivr:menu", ("ivr", "menu")),
        ("voicemail", ("voicemail", "")),
        ("voicemail:1001", ("voicemail", "1001")),
        ("external:+8613800138000", ("external", "+8613800138000")),
    ],
)
def test_targets_parse(text: str, target: tuple[str, str]) -> None:
    assert overflow_target(text) == target


@pytest.mark.parametrize(
    "text", ["sales", "queue:", ":x", "callback", "external:", "external:call-me", "ivr"]
)
def test_bad_targets_name_the_setting(text: str) -> None:
    with pytest.raises(KeyError, match=r"overflow .* must be 'queue:<name>', 'ivr:<node>'"):
        overflow_target(text)


def test_configure_refuses_an_overflow_to_a_missing_queue_and_changes_nothing() -> None:
    acd = Acd()
    acd.configure([QueueConfig("support")], {"1": AgentStatus("1")})
    with pytest.raises(KeyError, match="'support' overflows to unknown queue 'nowhere'"):
        acd.configure([QueueConfig("support", overflow="queue:nowhere")], {})
    assert set(acd.queues) == {"support"} and set(acd.agents) == {"1"}


def test_a_queue_is_full_at_its_max_callers() -> None:
    acd = Acd()
    acd.configure([QueueConfig("q", max_callers=2), QueueConfig("open")], {})
    acd.join("a", "q", now=1)
    acd.join("x", "open", now=1)
    assert not acd.full("q")
    acd.join("b", "q", now=2)
    assert acd.full("q") and not acd.full("open")


def test_an_overflow_into_the_ivr_continues_at_the_node() -> None:
    run = FlowRun(IVR_GRAPH)
    run.start()
    assert run.goto("menu") == Play("main-menu", "en", interruptible=True, wait=6.0)
    assert run.on_digit("1") == EnterQueue("sales")
