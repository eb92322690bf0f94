"""Custom prompts with real SIP: recorded from an agent's phone, and a vanished prompt skipped."""

from __future__ import annotations

import contextlib
import copy
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from boxharness import Box, running_box, wait_for
from tones import heard

from appliance.demo import IVR_GRAPH, IVR_NAME
from appliance.store.models import Prompt

pytestmark = pytest.mark.e2e

VOICE_HZ = 700  # what the phone "says"; the box's beep is 1 kHz


@pytest.fixture
def own_box(tmp_path: Path, prompts: Path) -> Iterator[Box]:
    """Return a running demo box with a prompt folder of its own (these tests change it)."""
    folder = tmp_path / "prompts"
    shutil.copytree(prompts, folder)
    with running_box(tmp_path / "var", folder) as box:
        yield box


def agent_events(box: Box, extension: str) -> list[dict[str, object]]:
    """Return an agent's events (call_id empty, the extension as leg), oldest first."""
    with contextlib.closing(box.db()) as conn:
        rows = conn.execute("SELECT kind FROM call_event WHERE leg = ? ORDER BY id", (extension,))
        return [dict(r) for r in rows]


def test_an_agent_records_a_prompt_from_the_phone(own_box: Box) -> None:
    with own_box.agent("1001", call="*7742", tone_hz=VOICE_HZ, dtmf=("3000:#",)) as phone:
        phone.read_until("dtmf", 15)
        ended = phone.read_until("disconnected", 15)  # the box hangs up after its confirmation
    assert ended["max_rx_level"], "the phone heard neither beep nor confirmation"
    row = wait_for(lambda: Prompt.get_or_none(Prompt.name == "phone-42"), 10, "the stored prompt")
    assert (row.language, row.source, row.updated_by) == ("en", "phone", "1001")
    kinds = [e["kind"] for e in agent_events(own_box, "1001") if e["kind"].startswith("prompt.")]
    assert kinds == ["prompt.recording", "prompt.recorded"]
    path = Path(own_box.settings.paths.prompts) / "en" / "phone-42.wav"
    assert 1.0 <= row.seconds <= 3.0 and path.stat().st_size == row.bytes
    assert heard(path, 0.3, row.seconds - 0.3, VOICE_HZ) > 1000  # the phone's voice is in it
    assert heard(path, 0.3, row.seconds - 0.3, 1000) < 300  # and the beep is not
    listed = own_box.control.call("prompt.list", language="en")["prompts"]
    assert {"name": "phone-42", "source": "phone", "custom": True}.items() <= next(
        p for p in listed if p["name"] == "phone-42"
    ).items()


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
