"""The agent console's address book, wrap-up, history, messages and its own event stream."""

from __future__ import annotations

from typing import Any

import pytest
from agent_support import agent_client, agent_row, agent_user, customer, log_in_as, make_user
from flask.testing import FlaskClient
from helpers_web import SseReader, StandInEngine

from appliance.store.models import (
    AddressBookEntry,
    AgentMessage,
    CallDisposition,
    CallEvent,
    Cdr,
    User,
)

__all__ = ["agent_client", "agent_row", "agent_user", "customer"]  # fixtures


pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one


def test_address_book_adds_lists_and_deletes_only_my_entries(
    agent_client: tuple[FlaskClient, str], agent_user: User
) -> None:
    client, token = agent_client
    bad = client.post("/agent/contacts", data={"csrf_token": token, "name": "Zhao", "number": "x"})
    assert bad.status_code == 400
    assert 'value="Zhao"' in bad.get_data(as_text=True)
    assert "Enter a phone number" in bad.get_data(as_text=True)
    form = {"csrf_token": token, "name": "Zhao", "number": "13800000009", "note": "supplier"}
    assert client.post("/agent/contacts", data=form).status_code == 302
    page = client.get("/agent/contacts").get_data(as_text=True)
    assert 'data-dial="13800000009"' in page and "supplier" in page
    other = AddressBookEntry.create(user=make_user("li"), name="Li's", number="1002")
    assert client.post(f"/agent/contacts/{other.id}/delete",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    mine = AddressBookEntry.get(AddressBookEntry.user == agent_user)
    client.post(f"/agent/contacts/{mine.id}/delete", data={"csrf_token": token})
    assert AddressBookEntry.select().where(AddressBookEntry.user == agent_user).count() == 0


def test_wrap_up_keeps_disposition_and_note_and_errors_keep_the_note(
    agent_client: tuple[FlaskClient, str],
) -> None:
    client, token = agent_client
    form = {"csrf_token": token, "call_id": "c1", "code": "nonsense", "note": "called back"}
    bad = client.post("/agent/wrapup", data=form)
    assert bad.status_code == 400
    assert "Choose a disposition" in bad.get_data(as_text=True)
    assert "called back" in bad.get_data(as_text=True)
    form = {"csrf_token": token, "call_id": "c1", "code": "resolved", "note": "called back"}
    Cdr.create(call_id="c2", started_at=1.8e9, ended_at=1.8e9 + 5, agent="1002",
               outcome="answered")  # fmt: skip
    theirs = client.post("/agent/wrapup", data={**form, "call_id": "c2"})
    assert theirs.status_code == 400 and "This is not your call." in theirs.get_data(True)
    assert "called back" in theirs.get_data(as_text=True)  # the note is kept
    unknown = client.post("/agent/wrapup", data={**form, "call_id": "nonexistent"})
    assert unknown.status_code == 400
    CallEvent.create(call_id="c1", at=1.8e9, kind="agent.answered", data={"agent": "1001"})
    assert client.post("/agent/wrapup", data=form).status_code == 302  # ringing it, no CDR yet
    row = CallDisposition.get(CallDisposition.call_id == "c1")
    assert (row.agent, row.code, row.note) == ("1001", "resolved", "called back")


def test_history_lists_my_calls_with_recording_and_disposition(
    agent_client: tuple[FlaskClient, str],
) -> None:
    client, _ = agent_client
    Cdr.create(call_id="h1", started_at=1.8e9, ended_at=1.8e9 + 5, from_number="13900139000",
               to_number="100", agent="1001", outcome="answered", recording="a/h1.wav")  # fmt: skip
    Cdr.create(call_id="h2", started_at=1.8e9, ended_at=1.8e9 + 5, from_number="13700000042",
               to_number="100", agent="1002", outcome="answered")  # fmt: skip
    CallDisposition.create(call_id="h1", agent="1001", code="sale", note="two units")
    page = client.get("/agent/history").get_data(as_text=True)
    assert "/recordings/h1" in page and "sale: two units" in page
    assert 'data-dial="13900139000"' in page and "13700000042" not in page


def test_messages_go_to_a_colleague_and_errors_keep_the_text(
    agent_client: tuple[FlaskClient, str], agent_user: User
) -> None:
    client, token = agent_client
    boss = make_user("boss", "supervisor")
    bad = client.post("/agent/messages", data={"csrf_token": token, "recipient": "ghost",
                                               "body": "help with a VIP"})  # fmt: skip
    assert bad.status_code == 400 and "help with a VIP" in bad.get_data(as_text=True)
    form = {"csrf_token": token, "recipient": "boss", "body": "help with a VIP"}
    assert client.post("/agent/messages", data=form).status_code == 302
    message = AgentMessage.get()
    assert (message.sender.username, message.recipient.id, message.body) == (
        "wang", boss.id, "help with a VIP"
    )  # fmt: skip


def test_the_nav_counts_unread_messages_until_the_inbox_is_opened(
    agent_client: tuple[FlaskClient, str], agent_user: User
) -> None:
    client, _ = agent_client
    boss = make_user("boss", "supervisor")
    for body in ("call me", "VIP on line 2"):
        AgentMessage.create(sender=boss, recipient=agent_user, body=body)
    assert 'class="badge"' in client.get("/agent/contacts").get_data(as_text=True)
    assert ">2</span>" in client.get("/agent/contacts").get_data(as_text=True)
    client.get("/agent/messages")  # reading the inbox marks them read
    assert 'class="badge"' not in client.get("/agent/contacts").get_data(as_text=True)


def test_my_stream_relays_my_events_and_new_messages_only(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine, agent_user: User
) -> None:
    client, _ = agent_client
    response = client.get("/agent/events", buffered=False)
    reader = SseReader(response.response)
    assert reader.until(lambda e: e["event"] == "hello")["data"]["extension"] == "1001"
    engine.wait_for_subscribers()

    def event(call_id: str, kind: str, **data: Any) -> dict[str, Any]:
        return {"event": kind, "call_id": call_id, "at": 1.0, "leg": "", "data": data}

    engine.publish(event("other", "agent.ringing", agent="1002"))
    engine.publish(event("c9", "agent.ringing", agent="1001", queue="support"))
    engine.publish(event("c9", "call.ended", by="caller"))
    engine.publish(event("t1", "transfer.started", to="agent:1001", by="1002"))
    AgentMessage.create(sender=make_user("boss", "supervisor"), recipient=agent_user, body="hi")
    relayed = reader.until(lambda e: e["event"] is None)
    assert (relayed["data"]["call_id"], relayed["data"]["event"]) == ("c9", "agent.ringing")
    assert reader.until(lambda e: e["event"] is None)["data"]["event"] == "call.ended"
    assert reader.until(lambda e: e["event"] is None)["data"]["call_id"] == "t1"  # sent to me
    assert reader.until(lambda e: e["event"] == "inbox")["data"]["body"] == "hi"
    assert all(e["data"] is None or e["data"].get("call_id") != "other" for e in reader.seen)
    response.close()


def test_my_stream_says_when_the_engine_is_down(agent_client: tuple[FlaskClient, str]) -> None:
    client, _ = agent_client
    reader = SseReader(client.get("/agent/events", buffered=False).response)
    assert reader.until(lambda e: e["event"] == "engine-down")["data"]["engine"] == "down"


def test_a_supervisor_reads_messages_at_the_console_too(client: FlaskClient) -> None:
    boss = make_user("boss", "supervisor")
    AgentMessage.create(sender=make_user("wang"), recipient=boss, body="need a hand")
    log_in_as(client, boss)
    assert "need a hand" in client.get("/agent/messages").get_data(as_text=True)
    assert AgentMessage.get().read_at is not None


def test_a_user_without_extension_gets_messages_but_no_call_events(
    client: FlaskClient, engine: StandInEngine
) -> None:
    boss = make_user("boss", "supervisor")
    log_in_as(client, boss)
    reader = SseReader(client.get("/agent/events", buffered=False).response)
    assert reader.until(lambda e: e["event"] == "hello")["data"]["extension"] == ""
    engine.wait_for_subscribers()
    engine.publish({"event": "agent.state", "call_id": "", "at": 1.0, "leg": "", "data": {}})
    AgentMessage.create(sender=make_user("wang"), recipient=boss, body="queue is long")
    first = reader.until(lambda e: e["event"] != "hello" and e["comment"] is None)
    assert (first["event"], first["data"]["body"]) == ("inbox", "queue is long")
