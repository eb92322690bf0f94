"""Voicemail control commands on a real store, writer and prompt folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.config import load
from appliance.engine.control import ControlClient, ControlError, ControlServer
from appliance.engine.media import Prompts
from appliance.engine.voicemail_commands import VoicemailCommands
from appliance.store.manager import open_store
from appliance.store.models import Agent, VoicemailBox
from appliance.store.writer import EventWriter
from appliance.voicemail import boxes
from appliance.voicemail.pin import verify_pin


@pytest.fixture
def published(tmp_path: Path) -> Iterator[tuple[VoicemailCommands, list[dict[str, Any]]]]:
    """Return the commands over a fresh store with agent 1001, and the events published."""
    settings = load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var")})
    database = open_store(settings)
    Agent.create(extension="1001", name="Alice", sip_password="x")
    folder = tmp_path / "prompts"
    (folder / "en").mkdir(parents=True)
    (folder / "en" / "alice-greeting.wav").write_bytes(b"RIFF")
    events: list[dict[str, Any]] = []
    writer = EventWriter(database, events.extend)
    writer.start()
    yield VoicemailCommands(writer, Prompts(folder)), events
    writer.stop()
    database.close()


def leave(box: str, call_id: str) -> int:
    boxes.apply_change({"change": "left", "box": box, "call_id": call_id, "caller": "555",
                        "file": f"{box}/{call_id}.wav", "seconds": 3.0, "at": 100.0})  # fmt: skip
    return max(m.id for m in boxes.messages(box))


def error_id(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ControlError) as err:
        call(*args, **kwargs)
    return err.value.error_id


def test_boxes_list_every_agent_and_the_general_box_with_counts(published: Any) -> None:
    commands, _ = published
    leave("1001", "c1")
    listed = {b["name"]: b for b in commands.list_boxes()["boxes"]}
    assert sorted(listed) == ["1001", "general"]
    assert (listed["1001"]["new"], listed["1001"]["old"], listed["1001"]["agent"]) == (1, 0, "1001")
    assert listed["1001"]["has_pin"] is False and "pin_hash" not in listed["1001"]


def test_mark_heard_and_delete_go_through_the_writer_and_announce_mwi(published: Any) -> None:
    commands, events = published
    first, second = leave("1001", "c1"), leave("1001", "c2")
    assert commands.mark_heard("1001", first) == {"box": "1001", "message": first, "new": 1,
                                                  "old": 1}  # fmt: skip
    assert commands.delete(box="1001", message=second)["new"] == 0
    listed = commands.messages("1001")
    assert [(m["id"], m["new"]) for m in listed["messages"]] == [(first, False)]
    mwi = [e["data"] for e in events if e["kind"] == "voicemail.mwi"]
    assert [(d["change"], d["new"], d["old"]) for d in mwi] == [("heard", 1, 1), ("deleted", 0, 1)]


def test_unknown_boxes_and_messages_are_refused(published: Any) -> None:
    commands, events = published
    assert error_id(commands.messages, "9999") == "no-such-box"
    assert error_id(commands.delete, "1001", 42) == "no-such-message"
    assert error_id(commands.mark_heard, "1001", "x") == "no-such-message"
    assert error_id(commands.delete, "", 1) == "no-such-box"
    assert events == []


def test_set_pin_keeps_a_hash_and_refuses_bad_pins(published: Any) -> None:
    commands, _ = published
    assert commands.set_pin("1001", "8642") == {"box": "1001", "has_pin": True}
    assert verify_pin("8642", VoicemailBox.get(VoicemailBox.name == "1001").pin_hash)
    assert error_id(commands.set_pin, "1001", "12") == "bad-pin"
    assert error_id(commands.set_pin, "nobody", "1234") == "no-such-box"


def test_greeting_must_be_an_existing_prompt(published: Any) -> None:
    commands, _ = published
    assert commands.greeting("1001", "alice-greeting")["greeting"] == "alice-greeting"
    assert error_id(commands.greeting, "1001", "nope") == "bad-prompt"
    assert commands.greeting("1001", "")["greeting"] == ""


def test_update_checks_each_field(published: Any) -> None:
    commands, _ = published
    changed = commands.update("1001", email="a@example.com", language="zh", max_seconds=60)
    assert (changed["email"], changed["language"], changed["max_seconds"]) == (
        "a@example.com", "zh", 60)  # fmt: skip
    assert error_id(commands.update, "1001", language="fr") == "bad-args"
    assert error_id(commands.update, "1001", max_seconds=3) == "bad-args"
    assert error_id(commands.update, "1001", email="nobody") == "bad-args"
    assert error_id(commands.update, "1001", pin_hash="x") == "bad-args"


def test_commands_answer_over_the_control_socket(published: Any, tmp_path: Path) -> None:
    commands, _ = published
    socket = tmp_path / "engine.sock"
    server = ControlServer(socket, lambda cmd, args: commands.table[cmd](**args))
    server.start()
    try:
        client = ControlClient(socket, timeout=5)
        assert [b["name"] for b in client.call("voicemail.boxes")["boxes"]] == ["1001", "general"]
        with pytest.raises(ControlError) as err:
            client.call("voicemail.messages", box="nobody")
    finally:
        server.stop()
    assert err.value.error_id == "no-such-box"
