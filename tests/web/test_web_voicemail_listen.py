"""Listening to voicemail from the web: who sees which box, playing, heard and delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_admin import log_in_as
from helpers_i18n import assert_translated
from helpers_voicemail import WAV, leave, serving_voicemail
from helpers_web import StandInEngine, csrf_from

from appliance import config
from appliance.store.models import Agent, AuditEntry, User, VoicemailMessage

pytestmark = pytest.mark.usefixtures("admin_exists")


@pytest.fixture
def events(
    app: Flask, engine: StandInEngine, settings: config.Settings
) -> Iterator[list[dict[str, Any]]]:
    """Have the engine answer voicemail.* for real; agents 1001 and 1002 exist."""
    Agent.create(extension="1001", name="Li Lei", sip_password="x" * 12)
    Agent.create(extension="1002", name="Han Meimei", sip_password="y" * 12)
    with serving_voicemail(app, engine, settings) as published:
        yield published


def as_agent(client: FlaskClient, extension: str = "1001") -> FlaskClient:
    """Log in as an agent whose phone is extension."""
    log_in_as(client, "agent")
    User.update(extension=extension).where(User.username == "agent1").execute()
    return client


def post(client: FlaskClient, path: str) -> Any:
    """Press a button of the messages page (with its CSRF token)."""
    token = csrf_from(client.get("/voicemail/").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token})


def test_a_visitor_is_sent_to_log_in(client: FlaskClient) -> None:
    for path in ("/voicemail/", "/voicemail/general", "/voicemail/general/1.wav"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_agent_sees_and_plays_only_their_own_box(
    client: FlaskClient, events: list[dict[str, Any]], settings: config.Settings
) -> None:
    mine, theirs = leave(settings, "1001", "c1"), leave(settings, "1002", "c2")
    general = leave(settings, "general", "c3")
    settings.timezone = "Asia/Shanghai"  # the box's zone: left at 12:00 UTC
    as_agent(client)
    listed = client.get("/voicemail/").get_data(as_text=True)
    assert 'data-box="1001"' in listed and 'data-box="1002"' not in listed
    assert 'data-box="general"' not in listed
    page = client.get("/voicemail/1001").get_data(as_text=True)
    assert f'data-message="{mine}"' in page and "555" in page and "2026-11-27 20:00" in page
    audio = client.get(f"/voicemail/1001/{mine}.wav")
    assert audio.status_code == 200 and audio.mimetype == "audio/wav" and audio.data == WAV
    assert client.get("/voicemail/1002").status_code == 404
    assert client.get(f"/voicemail/1002/{theirs}.wav").status_code == 404
    assert client.get(f"/voicemail/general/{general}.wav").status_code == 404
    assert post(client, f"/voicemail/1002/{theirs}/delete").status_code == 404
    assert not VoicemailMessage.get_by_id(theirs).deleted
    assert client.get(f"/voicemail/1001/{theirs}.wav").status_code == 404  # not in my box


def test_an_agent_without_a_phone_has_no_box(client: FlaskClient, events: Any) -> None:
    log_in_as(client, "agent")
    page = client.get("/voicemail/").get_data(as_text=True)
    assert "not linked to an agent's phone" in page
    assert client.get("/voicemail/1001").status_code == 404


def test_the_agent_console_links_to_voicemail(client: FlaskClient, events: Any) -> None:
    as_agent(client)
    assert 'href="/voicemail/"' in client.get("/agent").get_data(as_text=True)


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_admins_open_every_box(
    client: FlaskClient, events: Any, settings: config.Settings, role: str
) -> None:
    message = leave(settings, "1002", "c2")
    log_in_as(client, role)
    listed = client.get("/voicemail/").get_data(as_text=True)
    assert all(f'data-box="{b}"' in listed for b in ("1001", "1002", "general"))
    assert client.get(f"/voicemail/1002/{message}.wav").data == WAV


@pytest.mark.parametrize("file", ["../secret.wav", "1001/../../secret.wav", "/etc/hostname"])
def test_a_message_file_outside_the_voicemail_folder_is_never_sent(
    client: FlaskClient, events: Any, settings: config.Settings, file: str
) -> None:
    (Path(settings.paths.var) / "secret.wav").write_bytes(b"secret")
    message = leave(settings, "1001", "evil", file=file)
    log_in_as(client, "admin")
    response = client.get(f"/voicemail/1001/{message}.wav")
    assert response.status_code == 404 and b"secret" not in response.data
    assert client.get("/voicemail/1001/..%2F..%2Fsecret.wav").status_code == 404


def test_marking_heard_and_deleting_go_through_the_engine(
    client: FlaskClient, events: list[dict[str, Any]], engine: StandInEngine,
    settings: config.Settings,
) -> None:  # fmt: skip
    first, second = leave(settings, "1001", "c1"), leave(settings, "1001", "c2")
    as_agent(client)
    response = post(client, f"/voicemail/1001/{first}/heard")
    assert response.status_code == 302
    assert VoicemailMessage.get_by_id(first).heard_at is not None
    assert ("voicemail.mark_heard", {"box": "1001", "message": first}) in engine.received
    assert post(client, f"/voicemail/1001/{second}/delete").status_code == 302
    assert VoicemailMessage.get_by_id(second).deleted
    mwi = [e["data"] for e in events if e.get("kind") == "voicemail.mwi"]
    assert [(m["change"], m["new"], m["old"]) for m in mwi] == [("heard", 1, 1), ("deleted", 0, 1)]
    page = client.get("/voicemail/1001").get_data(as_text=True)
    assert f'data-message="{first}"' in page and f'data-message="{second}"' not in page
    assert post(client, f"/voicemail/1001/{second}/delete").status_code == 404
    audited = AuditEntry.get(AuditEntry.area == "voicemail")  # deletes are audited, marks not
    assert (audited.object_key, audited.action) == (f"1001/{second}", "delete message")
    assert audited.before["call_id"] == "c2" and AuditEntry.select().count() == 1


def test_without_the_engine_the_page_says_so_and_nothing_changes(
    app: Flask, client: FlaskClient, settings: config.Settings
) -> None:
    Agent.create(extension="1001", name="Li Lei", sip_password="x" * 12)
    message = leave(settings, "1001", "c1")
    as_agent(client)
    response = post(client, f"/voicemail/1001/{message}/delete")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "The engine is not running" in page
    assert f'data-message="{message}"' in page
    assert not VoicemailMessage.get_by_id(message).deleted


def test_a_button_without_the_csrf_token_is_refused(
    client: FlaskClient, events: Any, settings: config.Settings
) -> None:
    message = leave(settings, "1001", "c1")
    as_agent(client)
    assert client.post(f"/voicemail/1001/{message}/delete").status_code == 403
    assert not VoicemailMessage.get_by_id(message).deleted


def test_the_pages_speak_chinese(
    client: FlaskClient, events: Any, settings: config.Settings
) -> None:
    leave(settings, "1001", "c1")
    as_agent(client)
    User.update(language="zh_CN").where(User.username == "agent1").execute()
    for path in ("/voicemail/", "/voicemail/1001"):
        page = client.get(path).get_data(as_text=True)
        assert_translated(page, allowed=["1001", "Li Lei", "agent1", "555"])
