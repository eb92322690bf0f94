"""Publishing an IVR flow with real calls: the next call takes it, the call inside does not."""

from __future__ import annotations

import copy

import pytest
from boxharness import Box, wait_for

from appliance.demo import IVR_GRAPH, IVR_NAME

pytestmark = pytest.mark.e2e

MENU_MS = 4000  # the caller presses 2 this long after answer: time to publish meanwhile


def entered_version(box: Box, call_id: str) -> int:
    events = [e for e in box.events(call_id) if e["kind"] == "ivr.entered"]
    return int(events[0]["data"]["version"]) if events else 0


def test_a_published_flow_takes_the_next_call_while_the_call_inside_finishes_on_its_own(
    box: Box,
) -> None:
    graph = copy.deepcopy(IVR_GRAPH)
    graph["nodes"]["support"] = {"type": "goto", "next": "sales"}  # 2 now leads to sales
    first = box.sipp_background("caller_hold_bye", menu_ms=MENU_MS)
    try:
        call_id = box.live_call()
        wait_for(lambda: entered_version(box, call_id) == 1, 5, "the first call in the IVR")
        assert box.control.call("flow.publish", name=IVR_NAME, graph=graph)["version"] == 2
        assert first.wait(30) == 0
    finally:
        first.kill()
    second = box.sipp("caller_hold_bye", menu_ms=1000)
    assert second.returncode == 0, second.stdout[-2000:]
    cdrs = [box.wait_cdr(1), box.wait_cdr(2)]
    assert [c["queue"] for c in cdrs] == ["support", "sales"]
    assert [entered_version(box, c["call_id"]) for c in cdrs] == [1, 2]
