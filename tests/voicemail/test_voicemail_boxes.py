"""Mailboxes and messages in a real store: boxes per agent, MWI counts, changes."""

from __future__ import annotations

import pytest
from peewee import Database

from appliance.store.models import Agent, Queue, VoicemailBox, VoicemailMessage
from appliance.voicemail import boxes
from appliance.voicemail.pin import BadPin, verify_pin


def left(box: str, call_id: str = "c1", at: float = 1000.0) -> dict[str, object]:
    return {"change": "left", "box": box, "call_id": call_id, "caller": "13800138000",
            "file": f"{box}/2026/11/27/{call_id}.wav", "seconds": 4.2, "at": at}  # fmt: skip


def test_the_migration_makes_the_general_box(store: Database) -> None:
    assert [b.name for b in boxes.list_boxes()] == ["general"]


def test_every_agent_gets_a_box_named_by_their_extension(store: Database) -> None:
    Agent.create(extension="1001", name="Alice", sip_password="x")
    Agent.create(extension="1002", name="Bob", sip_password="x")
    listed = {b.name: b for b in boxes.list_boxes()}
    assert sorted(listed) == ["1001", "1002", "general"]
    assert listed["1001"].agent == "1001" and listed["1001"].title == "Alice"
    boxes.ensure_boxes()  # twice: nothing more
    assert VoicemailBox.select().count() == 3


def test_a_message_left_in_an_unknown_box_makes_it_linked_to_its_queue(store: Database) -> None:
    Queue.create(name="support")
    mwi = boxes.apply_change(left("support"))
    assert mwi == {"box": "support", "new": 1, "old": 0, "change": "left", "message": 1}
    box = boxes.find_box("support")
    assert box is not None and box.queue == "support" and box.agent == ""
    [message] = boxes.messages("support")
    assert (message.caller, message.seconds, message.heard_at) == ("13800138000", 4.2, None)


def test_heard_saved_and_deleted_change_the_counts_once(store: Database) -> None:
    boxes.apply_change(left("general", "c1", at=1000.0))
    boxes.apply_change(left("general", "c2", at=1001.0))
    assert boxes.counts("general") == (2, 0)
    first, second = (m.id for m in boxes.messages("general"))
    assert boxes.apply_change({"change": "heard", "box": "general", "message": first, "at": 5.0})
    assert boxes.counts("general") == (1, 1)
    again = {"change": "saved", "box": "general", "message": first, "at": 9.0}
    assert boxes.apply_change(again) is None  # already heard: nothing changed, no MWI event
    assert VoicemailMessage.get_by_id(first).heard_at == 5.0
    mwi = boxes.apply_change({"change": "deleted", "box": "general", "message": second})
    assert mwi == {"box": "general", "new": 0, "old": 1, "change": "deleted", "message": second}
    assert [m.id for m in boxes.messages("general")] == [first]


def test_new_messages_come_first_then_the_oldest(store: Database) -> None:
    for n, at in enumerate((30.0, 10.0, 20.0)):
        boxes.apply_change(left("general", f"c{n}", at=at))
    ids = [m.id for m in boxes.messages("general")]
    boxes.apply_change({"change": "heard", "box": "general", "message": ids[0]})
    assert [m.call_id for m in boxes.messages("general")] == ["c2", "c0", "c1"]


def test_changes_to_missing_boxes_or_messages_are_refused(store: Database) -> None:
    with pytest.raises(boxes.NoSuchBox):
        boxes.messages("nobody")
    with pytest.raises(boxes.NoSuchMessage):
        boxes.apply_change({"change": "heard", "box": "general", "message": 99})
    boxes.apply_change(left("general"))
    boxes.apply_change({"change": "deleted", "box": "general", "message": 1})
    with pytest.raises(boxes.NoSuchMessage):  # deleted already
        boxes.apply_change({"change": "deleted", "box": "general", "message": 1})
    assert boxes.counts("nobody") == (0, 0)


def test_a_pin_is_set_hashed_and_a_bad_one_changes_nothing(store: Database) -> None:
    boxes.set_pin("general", "2468")
    stored = VoicemailBox.get(VoicemailBox.name == "general").pin_hash
    assert verify_pin("2468", stored)
    with pytest.raises(BadPin):
        boxes.set_pin("general", "12")
    assert VoicemailBox.get(VoicemailBox.name == "general").pin_hash == stored
    assert boxes.list_boxes()[0].public()["has_pin"] is True
    assert "pin_hash" not in boxes.list_boxes()[0].public()
