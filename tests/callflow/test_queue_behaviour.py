"""Queue behaviour in the domain: exit targets, join/stay rules, reload validation, CDRs."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from appliance.callflow.acd import Acd, AgentStatus, QueueConfig
from appliance.callflow.cdr import derive_cdr
from appliance.callflow.const import AgentState
from appliance.callflow.presence import present, serving
from appliance.callflow.queue_options import Presence, QueueBehaviour
from appliance.callflow.targets import check_queues, exit_target


def queue(name: str = "q", overflow: str = "", **behaviour: Any) -> QueueConfig:
    return QueueConfig(
        name, members={"1": 0, "2": 0}, overflow=overflow, behaviour=QueueBehaviour(**behaviour)
    )


def test_exit_targets_include_callback() -> None:
    assert exit_target("callback") == ("callback", "")
    assert exit_target("voicemail") == ("voicemail", "")
    with pytest.raises(KeyError, match="exit_target 'callback:x' must be"):
        exit_target("callback:x")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"exit_key": "1", "exit_target": "phone:1"}, "exit_target 'phone:1' must be"),
        ({"exit_key": "1", "exit_target": "queue:nowhere"}, "'q' exits to unknown queue 'nowhere'"),
        ({"overflow": "queue:gone"}, "'q' overflows to unknown queue 'gone'"),
        ({"exit_key": "x", "exit_target": "callback"}, "exit_key must be one of 0-9"),
        ({"exit_key": "1"}, "with an exit_target"),
        ({"join_when": "sometimes"}, "join_when must be one of"),
        ({"stay_when": "never"}, "stay_when must be one of"),
        ({"callback_attempts": 0}, "callback_attempts"),
    ],
)
def test_check_queues_names_the_bad_setting(settings: dict[str, object], message: str) -> None:
    with pytest.raises(KeyError, match=message):
        check_queues([queue(**settings), queue("other")])


def test_check_queues_accepts_good_settings() -> None:
    check_queues(
        [
            queue(overflow="external:+8610", exit_key="#", exit_target="queue:other"),
            queue("other", overflow="voicemail:sales", join_when="always", stay_when="ready"),
        ]
    )


def agents(**states: AgentState) -> dict[str, AgentStatus]:
    return {
        ext: AgentStatus(ext, state=state, registered=True, idle_since=1.0)
        for ext, state in states.items()
    }


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ({}, {"always"}),
        ({"1": AgentState.LOGGED_OUT}, {"always"}),
        ({"1": AgentState.NOT_READY}, {"always", "staffed"}),
        ({"1": AgentState.ON_CALL}, {"always", "staffed", "ready"}),
        ({"1": AgentState.READY}, {"always", "staffed", "ready", "available"}),
    ],
)
def test_presence_levels(states: dict[str, AgentState], expected: set[str]) -> None:
    members = {"1": 0, "2": 0}
    found = {str(p) for p in Presence if present(p, members, agents(**states), now=10.0)}
    assert found == expected


def test_an_unregistered_phone_is_never_present() -> None:
    team = agents(**{"1": AgentState.READY})
    team["1"].registered = False
    assert not present(Presence.STAFFED, {"1": 0}, team, now=10.0)


def test_serving_counts_members_who_take_calls() -> None:
    team = agents(**{"1": AgentState.ON_CALL, "2": AgentState.NOT_READY, "3": AgentState.WRAP_UP})
    assert serving({"1": 0, "2": 0, "3": 0, "4": 0}, team) == 2


def test_reload_keeps_queue_behaviour_with_the_config() -> None:
    acd = Acd()
    q = queue(announce_seconds=30)
    acd.configure([q], {})
    assert acd.queues["q"].behaviour.announce_seconds == 30
    changed = dataclasses.replace(q, behaviour=QueueBehaviour(announce_seconds=0))
    acd.configure([changed], {})
    assert acd.queues["q"].behaviour.announce_seconds == 0


def ev(kind: str, at: float, **data: object) -> dict[str, object]:
    return {"kind": kind, "at": at, "data": data}


START = ev("call.started", 0.0, **{"from": "138", "to": "100"})
JOINED = ev("queue.joined", 1.0, queue="support")


def test_cdr_of_a_callback_request_and_of_the_callback_call() -> None:
    asked = derive_cdr(
        "a",
        [
            START,
            JOINED,
            ev("queue.callback_requested", 5.0, number="138"),
            ev("call.ended", 9.0, by="system", reason="callback requested"),
        ],
    )
    assert (asked["outcome"], asked["queue"], asked["wait_seconds"]) == ("callback", "support", 8.0)
    call = [
        ev("call.started", 20.0, to="138", direction="callback", joined_at=1.0),
        ev("agent.answered", 21.0, agent="1001", queue="support"),
        ev("callback.dialing", 21.5, number="138", attempt=1),
    ]
    failed = derive_cdr("b", [*call, ev("call.ended", 40.0, by="system", reason="no answer")])
    assert (failed["outcome"], failed["talk_seconds"], failed["agent"]) == ("failed", 0.0, "1001")
    assert failed["wait_seconds"] == 20.0  # from the place in line kept, to the agent
    answered = [*call, ev("callback.answered", 25.0), ev("call.ended", 55.0, by="agent")]
    served = derive_cdr("b", answered)
    assert (served["outcome"], served["talk_seconds"], served["direction"]) == (
        "answered",
        30.0,
        "callback",
    )


def test_cdr_of_voicemail_and_external() -> None:
    left = ev("voicemail.left", 30.0, box="support", file="f.wav", seconds=20)
    mail = derive_cdr("c", [START, JOINED, left, ev("call.ended", 31.0, by="caller")])
    assert mail["outcome"] == "voicemail"
    forwarded = derive_cdr(
        "d",
        [
            START,
            JOINED,
            ev("external.answered", 10.0, number="9"),
            ev("call.ended", 70.0, by="caller"),
        ],
    )
    assert (forwarded["outcome"], forwarded["talk_seconds"]) == ("forwarded", 60.0)
