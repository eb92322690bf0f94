"""After applying, the engine is asked to reload over its real control socket."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from peewee import Database
from profile_support import edited, example_text

from appliance.config import Settings
from appliance.engine.control import CommandError, ControlServer
from appliance.store.models import Agent, Queue, QueueMember
from provisioning.profiles import manager
from provisioning.profiles.exceptions import ProfileError


class Engine:
    """The engine's control socket answering `reload` as the test says."""

    def __init__(self, path: str) -> None:
        """Listen at path (not started yet)."""
        self.reloads = 0
        self.refuse = ""
        self.server = ControlServer(path, self.dispatch)

    def dispatch(self, cmd: str, args: dict[str, Any]) -> Any:
        """Answer reload (accept, or refuse as the engine refuses bad configuration)."""
        if cmd != "reload":
            raise CommandError("unknown-command", cmd)
        self.reloads += 1
        if self.refuse:
            raise CommandError("bad-config", self.refuse)
        return {"queues": 2}


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """Run the control socket at a short path the settings name."""
    folder = Path(tempfile.mkdtemp(prefix="cbx", dir="/tmp"))
    settings.engine.control_socket = str(folder / "engine.sock")
    running = Engine(settings.engine.control_socket)
    running.server.start()
    yield running
    running.server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_a_running_engine_reloads_once_per_apply(
    settings: Settings, store: Database, engine: Engine
) -> None:
    """The engine re-reads the store (and syncs Kamailio's subscribers) after the commit."""
    result = manager.plan(manager.parse(example_text(), "unit.yml"), settings)
    assert manager.apply(result, settings) == ""
    assert engine.reloads == 1


def test_an_engine_refusal_undoes_the_profile(
    settings: Settings, store: Database, engine: Engine
) -> None:
    """The engine's reason is the error; created objects go, changed ones are put back."""
    manager.apply(manager.plan(manager.parse(example_text(), "unit.yml"), settings), settings)
    text = edited("strategy: ring_all", "strategy: round_robin",
                  edited("name: Alice Chen", "name: Alice Chen-Wu"))  # fmt: skip
    text = text.replace("agents:\n", 'agents:\n  - {extension: "1010", name: New One}\n', 1)
    text = text.replace('members: ["1004", "1005"]', 'members: ["1004", "1010"]', 1)
    before = manager.plan(manager.parse(text, "unit.yml"), settings)
    assert len(before.changes) == 3  # 1001 renamed, 1010 created, sales changed
    engine.refuse = "not applied: queue 'sales' is broken"
    with pytest.raises(ProfileError, match="nothing was applied: not applied: queue 'sales'"):
        manager.apply(before, settings)
    assert engine.reloads == 3  # the first apply, the refused one, and the one after the undo
    assert Agent.get_or_none(Agent.extension == "1010") is None
    assert Agent.get(Agent.extension == "1001").name == "Alice Chen"
    sales = Queue.get(Queue.name == "sales")
    assert sales.strategy == "ring_all"
    members = QueueMember.select().where(QueueMember.queue == sales)
    assert sorted(m.agent.extension for m in members) == ["1004", "1005"]
    assert manager.plan(manager.parse(example_text(), "unit.yml"), settings).empty
