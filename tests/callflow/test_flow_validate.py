"""Flow validation: each broken shape is refused with an error pointing at its node."""

from __future__ import annotations

import copy
from typing import Any

from appliance.callflow.flow.validate import FlowProblem, validate
from appliance.demo import IVR_GRAPH
from appliance.prompts.catalog import PROMPTS

QUEUES = {"sales", "support"}


def problems(graph: Any, entries: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    found = validate(graph, set(PROMPTS), QUEUES, entries)
    return [(p.node, p.message) for p in found]


def demo(**changes: Any) -> dict[str, Any]:
    """Return the demo flow with some nodes replaced (None removes one)."""
    graph = copy.deepcopy(IVR_GRAPH)
    for node_id, node in changes.items():
        if node is None:
            del graph["nodes"][node_id]
        else:
            graph["nodes"][node_id] = node
    return graph


def test_the_demo_flow_is_valid() -> None:
    assert problems(IVR_GRAPH) == []


def test_missing_start() -> None:
    assert problems({**IVR_GRAPH, "start": "intro"}) == [("", "'start' names no node: 'intro'")]
    assert problems({"start": "a"}) == [("", "the flow has no 'nodes' table")]


def test_unknown_node_type() -> None:
    found = problems(demo(support={"type": "dance"}))
    assert found == [("support", "unknown type 'dance'")]


def test_dangling_target() -> None:
    found = problems(demo(welcome={"type": "play", "prompt": "welcome", "next": "manu"}))
    assert ("welcome", "leads to unknown node 'manu'") in found


def test_unreachable_nodes_unless_a_queue_overflow_enters_there() -> None:
    graph = demo(extra={"type": "queue", "queue": "sales", "priority": 9})
    assert problems(graph) == [("extra", "no call can reach this node")]
    assert problems(graph, entries=("extra",)) == []


def test_missing_prompt() -> None:
    menu = {**IVR_GRAPH["nodes"]["menu"], "invalid_prompt": "try-again"}
    assert problems(demo(menu=menu)) == [("menu", "prompt 'try-again' is missing")]
    assert validate(IVR_GRAPH, lambda name: name != "welcome", QUEUES) == [
        FlowProblem("welcome", "prompt 'welcome' is missing")
    ]


def test_unknown_queue() -> None:
    found = problems(demo(sales={"type": "queue", "queue": "billing"}))
    assert found == [("sales", "queue 'billing' does not exist")]


def test_loop_without_input_names_the_cycle() -> None:
    graph = demo(
        goodbye={"type": "play", "prompt": "goodbye", "next": "again"},
        again={"type": "goto", "next": "goodbye"},
    )
    assert problems(graph) == [
        ("hangup", "no call can reach this node"),
        ("again", "loops without waiting for the caller: again → goodbye → again"),
    ]


def test_a_loop_through_a_menu_waits_for_input_and_is_fine() -> None:
    graph = demo(goodbye={"type": "goto", "next": "menu"}, hangup=None)
    menu = {**IVR_GRAPH["nodes"]["menu"], "failed": "goodbye"}
    graph["nodes"]["menu"] = menu
    assert problems(graph) == []


def test_menu_without_failed_needs_a_hangup_node() -> None:
    graph = demo(hangup=None, goodbye={"type": "queue", "queue": "support"})
    del graph["nodes"]["menu"]["failed"]
    found = problems(graph)
    assert found == [
        ("menu", "needs a 'failed' target (the flow has no hangup node)"),
        ("goodbye", "no call can reach this node"),
    ]


def test_per_type_field_checks() -> None:
    graph = {
        "start": "m",
        "language": "fr",
        "nodes": {
            "m": {"type": "menu", "prompt": "main-menu", "choices": {"1": "c", "x": "c"},
                  "timeout": 0, "repeat_key": "1", "failed": "end"},
            "c": {"type": "collect", "variable": "acct", "prompt": "welcome", "next": "q",
                  "min_digits": 6, "max_digits": 4, "terminator": "9", "failed": "end"},
            "q": {"type": "queue", "queue": "sales", "skills": {"cantonese": "fluent"}},
            "end": {"type": "set_language", "language": "fr", "next": ""},
            "p": {"type": "play", "next": "q"},
            "g": {"type": "goto"},
        },
    }  # fmt: skip
    assert problems(graph, entries=("p", "g")) == [
        ("", "language must be one of en, zh"),
        ("m", "'timeout' must be a positive number of seconds"),
        ("m", "choice 'x' is not a DTMF key"),
        ("m", "'repeat_key' must be a DTMF key that is not a choice"),
        ("c", "'min_digits' is more than 'max_digits'"),
        ("c", "'terminator' must be '#', '*' or ''"),
        ("q", "skills must map skill names to levels"),
        ("end", "'next' is required"),
        ("end", "language must be one of en, zh"),
        ("p", "'prompt' is required"),
        ("g", "'next' is required"),
    ]
