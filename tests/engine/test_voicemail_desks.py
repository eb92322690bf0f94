"""The engine's voicemail desks, the parts that need no call: greetings and opening a box."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.callflow.voicemail_listen import Heard
from appliance.config import load
from appliance.engine.voicemail import greeting_prompts
from appliance.engine.voicemail_listen import opened
from appliance.store.manager import open_store
from appliance.voicemail import boxes


@pytest.fixture
def store(tmp_path: Path) -> Iterator[None]:
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})
    database = open_store(settings)
    yield
    database.close()


def any_prompt(prompt: str) -> bool:
    return True


def box(greeting: str = "") -> boxes.Box:
    return boxes.Box("1001", "", "1001", "", "", greeting, "en", 120, "")


def test_the_default_greeting_names_a_numbered_box_and_ends_with_the_beep() -> None:
    named = ["voicemail-box", "num-1", "num-0", "num-0", "num-1"]
    assert greeting_prompts("1001", None, any_prompt) == [*named, "voicemail-greeting", "beep"]
    assert greeting_prompts("support", None, any_prompt) == ["voicemail-greeting", "beep"]


def test_a_box_with_its_own_greeting_plays_it_before_the_beep() -> None:
    assert greeting_prompts("1001", box("mine"), any_prompt) == ["mine", "beep"]


def test_a_greeting_no_longer_in_the_prompts_falls_back_on_the_default() -> None:
    played = greeting_prompts("support", box("removed"), lambda prompt: prompt != "removed")
    assert played == ["voicemail-greeting", "beep"]


def test_a_box_opens_with_its_pin_only(store: None) -> None:
    boxes.set_pin("general", "2468")
    left = {"change": "left", "box": "general", "call_id": "c1", "caller": "5"}
    boxes.apply_change({**left, "file": "general/c1.wav", "seconds": 3.0, "at": 1_790_000_000.0})
    found = opened("general", "2468", "Asia/Shanghai")
    assert found is not None
    _, stored, heard = found
    assert [m.file for m in stored] == ["general/c1.wav"]
    assert heard == [Heard(stored[0].id, 22, 13, new=True)]  # 14:13 UTC is 22:13 in Shanghai
    assert opened("general", "2467", "UTC") is None
    assert opened("nobody", "2468", "UTC") is None
    assert opened("general", "", "UTC") is None
