"""The watchdog's repairs on the engine thread, on the real ACD.

A real engine never leaves an agent stuck on purpose, so the engine-thread functions
run here on a real `Acd` inside a switchboard stand-in that keeps what the engine
would emit; `tests/e2e/test_e2e_watchdog.py` runs the commands on a real engine.
"""

from __future__ import annotations

from typing import Any

import pytest

from appliance.callflow.acd import Acd, AgentStatus, QueueConfig
from appliance.callflow.const import AgentState
from appliance.engine.control import CommandError
from appliance.engine.health_commands import free_agent, live_state, ring_limit


class Desk:
    """The queue desk's dispatch, counted."""

    def __init__(self) -> None:
        self.dispatched = 0

    def dispatch(self) -> None:
        self.dispatched += 1


class Board:
    """The parts of the switchboard the repairs use: the ACD, live calls, agent events."""

    def __init__(self) -> None:
        self.acd = Acd()
        self.acd.configure([QueueConfig("support", members={"1001": 0}, ring_seconds=25)], {
            e: AgentStatus(e, registered=True, state=AgentState.READY) for e in ("1001", "1002")
        })  # fmt: skip
        self.sessions: dict[str, Any] = {}
        self.desk = Desk()
        self.emitted: list[tuple[str, str, dict[str, Any]]] = []
        self.kept: list[str] = []

    def emit_agent(self, extension: str, kind: str, data: dict[str, Any]) -> None:
        self.emitted.append((extension, kind, data))

    def agent_changed(self, extension: str, keep: bool = False) -> None:
        if keep:
            self.kept.append(extension)


@pytest.fixture
def board() -> Board:
    return Board()


def test_live_state_lists_busy_agents_with_their_call_and_the_ring_limit(board: Board) -> None:
    board.acd.answered("1001", "gone", 0.0)
    state = live_state(board)  # type: ignore[arg-type]
    assert state["agents"] == [{"extension": "1001", "state": "on_call", "call_id": "gone",
                                "call_live": False, "has_leg": False}]  # fmt: skip
    assert state["calls"] == [] and state["ring_limit"] == ring_limit(board) >= 25  # type: ignore[arg-type]


def test_an_agent_on_a_call_that_is_gone_is_freed_and_told(board: Board) -> None:
    board.acd.answered("1001", "gone", 0.0)
    answer = free_agent(board, "1001", "gone")  # type: ignore[arg-type]
    assert answer == {"extension": "1001", "was": "on_call", "state": "ready"}
    assert board.acd.agents["1001"].call_id is None
    assert board.emitted == [("1001", "agent.freed",
                              {"was": "on_call", "call_id": "gone", "by": "watchdog"})]  # fmt: skip
    assert board.kept == ["1001"] and board.desk.dispatched == 1


def test_a_ringing_agent_is_freed_with_their_chosen_state_kept(board: Board) -> None:
    board.acd.reserve("1002", "c9", 0.0)
    board.acd.set_state("1002", AgentState.NOT_READY, 0.0, "lunch")  # chosen while ringing
    assert free_agent(board, "1002", "c9")["state"] == "not_ready"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("extension", "call_id", "error"),
    [("1001", "c1", "not-stuck"), ("1002", "other", "not-stuck"), ("9999", "c1", "no-such-agent")],
)
def test_a_repair_of_an_agent_who_moved_on_is_refused(
    board: Board, extension: str, call_id: str, error: str
) -> None:
    board.acd.reserve("1002", "c2", 0.0)  # 1001 is ready; 1002 rings for another call
    with pytest.raises(CommandError) as refused:
        free_agent(board, extension, call_id)  # type: ignore[arg-type]
    assert refused.value.error_id == error
    assert board.acd.agents["1002"].state == AgentState.RINGING and board.emitted == []
