"""A line call's caller ID is its caller everywhere a trunk call's From is.

On the sim board's line: a number on the blacklist is refused before the box answers
(the line is hung up, `call.blocked`, the CDR names the caller), and so is a withheld
caller (no caller ID) when the blacklist has `anonymous`; a caller not on it reaches
its number's route, with the caller in `call.started` and the CDR.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from boxharness import wait_for
from test_e2e_sim_line import actions, sim_box

from appliance.store.models import BlockedNumber

pytestmark = pytest.mark.e2e


def test_blacklist_and_withheld_callers_on_a_line(tmp_path: Path, prompts: Path) -> None:
    with sim_box(tmp_path, prompts) as (box, sim):
        BlockedNumber.create(number="1390013*", note="spam")
        BlockedNumber.create(number="anonymous", note="withheld")
        box.control.call("reload")
        seen: list[dict[str, Any]] = []
        sim.call("ring", port="1", number="13900139000", name="Spam")
        wait_for(lambda: "hung_up" in actions(sim, "1", seen), 5, "the box refusing")
        blocked = box.wait_cdr(1)
        sim.call("ring", port="1")  # no caller ID: after the 1 s wait, withheld
        wait_for(lambda: actions(sim, "1", seen).count("hung_up") == 2, 5, "the box refusing")
        withheld = box.wait_cdr(2)
        sim.call("ring", port="1", number="13700137000")
        wait_for(lambda: "answered" in actions(sim, "1", seen), 5, "the box answering")
        sim.call("hangup", port="1")
        allowed = box.wait_cdr(3)
        kinds = [box.kinds(c["call_id"]) for c in (blocked, withheld, allowed)]
        started = box.events(allowed["call_id"])[0]["data"]
        done = actions(sim, "1", seen)
    assert done[:3] == ["hung_up", "hung_up", "answered"]
    assert blocked["from_number"] == "13900139000" and "call.blocked" in kinds[0]
    assert withheld["from_number"] == "" and "call.blocked" in kinds[1]
    assert "call.blocked" not in kinds[2] and allowed["from_number"] == "13700137000"
    assert (started["from"], started["via"], started["source"]) == ("13700137000", "line", "sim/1")
    assert [c["outcome"] for c in (blocked, withheld)] == [blocked["outcome"]] * 2
    assert blocked["outcome"] != "answered"
