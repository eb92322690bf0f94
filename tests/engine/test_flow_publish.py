"""Publishing, rolling back and listing IVR flow versions, on a real store and prompt folder."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.callflow.flow import EnterQueue, FlowRun, Play
from appliance.config import load
from appliance.demo import IVR_GRAPH
from appliance.engine.control import CommandError, ControlClient, ControlError, ControlServer
from appliance.engine.directory import Directory, load_directory
from appliance.engine.flow_commands import FlowCommands
from appliance.engine.media import Prompts
from appliance.store.manager import open_store
from appliance.store.models import InboundNumber, IvrFlow, Queue


@pytest.fixture
def store(tmp_path: Path) -> Iterator[None]:
    """Bind the models to a fresh store with the demo's queues, flow and number."""
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})
    database = open_store(settings)
    for name in ("sales", "support"):
        Queue.create(name=name)
    IvrFlow.create(name="main", version=1, graph=IVR_GRAPH, active=True)
    InboundNumber.create(number="100", target_type="ivr", target="main")
    yield
    database.close()


@pytest.fixture
def prompts(tmp_path: Path) -> Prompts:
    """Return a prompt folder holding the demo's English prompts."""
    folder = tmp_path / "prompts"
    (folder / "en").mkdir(parents=True)
    for name in ("welcome", "main-menu", "invalid", "goodbye"):
        (folder / "en" / f"{name}.wav").write_bytes(b"RIFF")
    return Prompts(folder)


class Live:
    """The engine's side of publishing: the routes it re-read from the store."""

    def __init__(self) -> None:
        self.directory = load_directory()

    def reload(self) -> None:
        self.directory = load_directory()


def version_two() -> dict[str, Any]:
    """Return the demo flow where 2 leads to sales too."""
    graph = copy.deepcopy(IVR_GRAPH)
    graph["nodes"]["support"] = {"type": "goto", "next": "sales"}
    return graph


def route(directory: Directory) -> tuple[int, dict[str, Any]]:
    found = directory.route("100")
    assert found is not None and found.flow is not None
    return found.flow_version, found.flow


def test_publish_goes_live_for_the_next_call_while_a_call_inside_keeps_its_version(
    store: None, prompts: Prompts
) -> None:
    live = Live()
    commands = FlowCommands(prompts, live.reload)
    inside = FlowRun(route(live.directory)[1])  # a caller already in version 1
    inside.start()
    assert inside.on_played() == Play("main-menu", "en", True, 6.0)
    assert commands.publish("main", version_two()) == {"name": "main", "version": 2}
    version, graph = route(live.directory)
    assert version == 2
    nxt = FlowRun(graph)
    nxt.start()
    nxt.on_played()
    assert nxt.on_digit("2") == EnterQueue("sales")  # the next call takes version 2
    assert inside.on_digit("2") == EnterQueue("support")  # the call inside finishes on 1
    listed = commands.versions("main")["versions"]
    assert [(v["version"], v["active"]) for v in listed] == [(1, False), (2, True)]


def test_rollback_makes_an_earlier_version_live_again(store: None, prompts: Prompts) -> None:
    live = Live()
    commands = FlowCommands(prompts, live.reload)
    commands.publish("main", version_two())
    assert commands.rollback("main", 1) == {"name": "main", "version": 1}
    assert route(live.directory) == (1, IVR_GRAPH)
    listed = commands.versions("main")["versions"]
    assert [v["active"] for v in listed] == [True, False]
    with pytest.raises(ControlError, match="has no version 7") as err:
        commands.rollback("main", 7)
    assert err.value.error_id == "no-such-flow"


def test_an_invalid_flow_is_refused_with_its_problems_and_never_goes_live(
    store: None, prompts: Prompts, tmp_path: Path
) -> None:
    live = Live()
    graph = copy.deepcopy(IVR_GRAPH)
    graph["nodes"]["sales"] = {"type": "queue", "queue": "billing"}
    graph["nodes"]["welcome"]["prompt"] = "hello"  # no such file in the prompt folder
    commands = FlowCommands(prompts, live.reload)
    server = ControlServer(tmp_path / "engine.sock", lambda cmd, args: commands.table[cmd](**args))
    server.start()
    try:
        with pytest.raises(ControlError, match="not published: node 'welcome'") as err:
            ControlClient(tmp_path / "engine.sock", timeout=5).call(
                "flow.publish", name="main", graph=graph
            )
    finally:
        server.stop()
    assert err.value.error_id == "invalid-flow"
    assert err.value.details == [
        {"node": "welcome", "message": "prompt 'hello' is missing"},
        {"node": "sales", "message": "queue 'billing' does not exist"},
    ]
    assert [v["version"] for v in commands.versions("main")["versions"]] == [1]
    assert route(live.directory) == (1, IVR_GRAPH)


def test_a_node_only_a_queue_overflow_enters_is_reachable(store: None, prompts: Prompts) -> None:
    graph = copy.deepcopy(IVR_GRAPH)
    graph["nodes"]["sorry"] = {"type": "play", "prompt": "goodbye", "next": "hangup"}
    commands = FlowCommands(prompts, Live().reload)
    with pytest.raises(ControlError, match="node 'sorry': no call can reach this node"):
        commands.publish("main", graph)
    Queue.update(overflow="ivr:sorry").where(Queue.name == "sales").execute()
    assert commands.publish("main", graph)["version"] == 2


def test_publishing_over_someone_elses_newer_version_is_a_conflict(
    store: None, prompts: Prompts
) -> None:
    commands = FlowCommands(prompts, Live().reload)
    assert commands.publish("main", version_two(), base_version=1)["version"] == 2
    with pytest.raises(ControlError, match="at version 2 now, not 1") as err:
        commands.publish("main", IVR_GRAPH, base_version=1)  # edited from 1, someone made 2
    assert err.value.error_id == "conflict"
    assert [v["version"] for v in commands.versions("main")["versions"]] == [1, 2]


def test_a_publish_the_engine_refuses_leaves_the_live_version_live(
    store: None, prompts: Prompts
) -> None:
    live = Live()
    commands = FlowCommands(prompts, live.reload)

    def refuse() -> None:
        raise CommandError("bad-config", "not applied: queue 'sales' strategy 'bogus'")

    commands.apply = refuse
    with pytest.raises(ControlError, match="not published: not applied") as err:
        commands.publish("main", version_two())
    assert err.value.error_id == "bad-config"
    listed = commands.versions("main")["versions"]
    assert [(v["version"], v["active"]) for v in listed] == [(1, True)]  # store = engine
    commands.apply = live.reload
    commands.publish("main", version_two())
    commands.apply = refuse
    with pytest.raises(ControlError, match="not rolled back"):
        commands.rollback("main", 1)
    assert [v["active"] for v in commands.versions("main")["versions"]] == [False, True]
