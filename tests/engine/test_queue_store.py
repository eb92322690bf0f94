"""Store reads for queue behaviour: handle-time history, the outbound trunk, waiting callbacks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import load
from appliance.engine.directory import load_directory
from appliance.engine.queue_store import HISTORY_DAYS, recent_handle_times
from appliance.store.manager import open_store
from appliance.store.models import Cdr, Queue, QueueCallback, Trunk


@pytest.fixture
def store(tmp_path: Path) -> Iterator[None]:
    """Bind the models to a fresh, migrated SQLite store."""
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})
    database = open_store(settings)
    yield
    database.close()


def cdr(n: int, queue: str | None, talk: float, at: float, outcome: str = "answered") -> None:
    Cdr.create(call_id=f"c{n}", started_at=at, ended_at=at + talk, queue=queue,
               talk_seconds=talk, outcome=outcome)  # fmt: skip


def test_handle_times_are_recent_answered_calls_oldest_first(store: None) -> None:
    now = time.time()
    cdr(1, "support", 100, now - HISTORY_DAYS * 86400 - 60)  # too old
    cdr(2, "support", 30, now - 300)
    cdr(3, "support", 0, now - 250, outcome="abandoned")
    cdr(4, "sales", 45, now - 200)
    cdr(5, "support", 60, now - 100)
    cdr(6, None, 99, now - 50)  # no queue
    assert recent_handle_times(now) == {"support": [30, 60], "sales": [45]}


def test_directory_carries_queue_behaviour_trunk_and_waiting_callbacks(store: None) -> None:
    Queue.create(name="support", announce_seconds=30, exit_key="1", exit_target="callback",
                 join_when="available")  # fmt: skip
    Trunk.create(name="off", host="10.0.0.9", enabled=False)
    Trunk.create(name="carrier", host="192.0.2.1", port=5062)
    common = {"queue": "support", "number": "138", "joined_at": 5.0, "updated_at": 9.0}
    QueueCallback.create(callback_id="cb-1", call_id="a", requested_at=8.0, **common)
    QueueCallback.create(callback_id="cb-2", call_id="b", requested_at=7.0, **common)
    QueueCallback.create(callback_id="cb-3", call_id="c", requested_at=6.0, state="done", **common)
    directory = load_directory()
    behaviour = directory.queues[0].behaviour
    assert (behaviour.announce_seconds, behaviour.exit_target, behaviour.join_when) == (
        30,
        "callback",
        "available",
    )
    assert directory.outbound is not None
    assert directory.outbound.uri("5551234") == "sip:5551234@192.0.2.1:5062"
    assert [c.callback_id for c in directory.callbacks] == ["cb-2", "cb-1"]
