"""Voicemail changes go through the event writer: committed, then a voicemail.mwi event."""

from __future__ import annotations

from typing import Any

from peewee import Database

from appliance.store.models import CallEvent, VoicemailMessage
from appliance.store.writer import EventWriter


def test_a_message_left_then_a_stale_delete_publishes_only_real_changes(store: Database) -> None:
    published: list[dict[str, Any]] = []
    writer = EventWriter(store, published.extend)
    writer.start()
    writer.voicemail({"change": "left", "box": "general", "call_id": "c1", "caller": "555",
                      "file": "general/c1.wav", "seconds": 3.0, "at": 10.0})  # fmt: skip
    writer.voicemail({"change": "deleted", "box": "general", "message": 77})  # no such message
    writer.event("c1", "dtmf", {"digit": "1"})
    assert writer.flush(10)
    writer.stop()
    mwi = [e for e in published if e["kind"] == "voicemail.mwi"]
    assert [e["data"] for e in mwi] == [
        {"box": "general", "new": 1, "old": 0, "change": "left", "message": 1}
    ]
    assert CallEvent.select().where(CallEvent.kind == "voicemail.mwi").count() == 1
    assert VoicemailMessage.select().count() == 1
