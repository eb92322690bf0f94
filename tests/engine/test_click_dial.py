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
