"""Which numbers click-to-dial accepts (the calls themselves: tests/e2e/test_e2e_screen_pop.py)."""

from __future__ import annotations

import pytest

from appliance.engine.click_dial import dialable
from appliance.engine.control import CommandError


@pytest.mark.parametrize(
    ("typed", "dialled"),
    [("13600136000", "13600136000"), ("+86 136-0013-6000", "+8613600136000"),
     ("(010) 6552 9988", "01065529988"), ("1002", "1002")],
)  # fmt: skip
def test_numbers_are_dialled_without_spaces_and_dashes(typed: str, dialled: str) -> None:
    assert dialable(typed) == dialled


@pytest.mark.parametrize("typed", ["", "1", "sip:1002@evil", "13600136000;x", 1002])
def test_anything_else_is_refused_clearly(typed: object) -> None:
    with pytest.raises(CommandError, match="not a number to dial"):
        dialable(typed)  # type: ignore[arg-type]


class FakeBoard:
    """What CallOps._agent_done uses of a switchboard, noted."""

    def __init__(self) -> None:
        self.engaged: list[tuple[str, str]] = []
        self.freed: list[str] = []
        self.desk = self

    def engage(self, extension: str, call_id: str) -> None:
        self.engaged.append((extension, call_id))

    def agent_free(self, session: object, extension: str) -> None:
        self.freed.append(extension)


@pytest.mark.parametrize(("role", "freed", "engaged"),
                         [("dialer", [], [("1001", "")]), ("agent", ["1001"], [])])  # fmt: skip
def test_an_agent_leaving_their_own_call_keeps_their_state(
    role: str, freed: list[str], engaged: list[tuple[str, str]]
) -> None:
    # A blind transfer of a click-to-dial call releases the agent: that is not the end of
    # a queue call, so no wrap-up and no change from not ready to ready; the phone is free.
    from types import SimpleNamespace

    from appliance.engine.operations import CallOps

    board = FakeBoard()
    ops = CallOps.__new__(CallOps)
    ops.board = board  # type: ignore[assignment]
    ops._agent_done(None, SimpleNamespace(role=role, extension="1001"))  # type: ignore[arg-type]
    assert (board.freed, board.engaged) == (freed, engaged)
