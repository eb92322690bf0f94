"""Custom prompts with real SIP: recorded from an agent's phone, and a vanished prompt skipped."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from boxharness import Box

from appliance.demo import IVR_GRAPH, IVR_NAME

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_box(tmp_path: Path, prompts: Path) -> Iterator[Box]:
    """Return a running demo box with a prompt folder of its own (these tests change it)."""
    folder = tmp_path / "prompts"
    shutil.copytree(prompts, folder)
    box = Box(tmp_path / "var", folder)
    box.init()
    box.start()
    try:
        yield box
    finally:
        box.stop()


def test_a_flow_whose_prompt_was_deleted_skips_it_and_reaches_its_end(own_box: Box) -> None:
    control = own_box.control
    control.call("prompt.tts", name="spring-sale", language="en", text="Spring sale.")
    graph = copy.deepcopy(IVR_GRAPH)
    graph["nodes"]["welcome"]["prompt"] = "spring-sale"
    control.call("flow.publish", name=IVR_NAME, graph=graph)
    control.call("prompt.delete", name="spring-sale", language="en", force=True)
    caller = own_box.sipp("caller_hold_bye", menu_ms=1500)
    assert caller.returncode == 0, caller.stdout[-2000:]
    cdr = own_box.wait_cdr(1)
    assert cdr["queue"] == "support"  # the menu played and the caller's 2 was taken
    missing = [e for e in own_box.events(cdr["call_id"]) if e["kind"] == "ivr.prompt_missing"]
    assert [(e["data"]["node"], e["data"]["prompt"]) for e in missing] == [
        ("welcome", "spring-sale")
    ]
