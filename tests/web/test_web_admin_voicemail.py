"""The voicemail boxes admin page: list, create, settings and PIN via the engine, delete."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_admin import log_in_as, post_form
from helpers_i18n import assert_translated
from helpers_voicemail import leave, serving_voicemail
from helpers_web import StandInEngine

from appliance import config
from appliance.store.models import Agent, AuditEntry, IvrFlow, Queue, User, VoicemailBox
from appliance.voicemail.pin import verify_pin

NEW = {"name": "after-hours", "title": "After hours", "owner": "", "email": "night@example.com",
       "language": "en", "max_seconds": "90"}  # fmt: skip
EDIT = {"title": "Night", "email": "boss@example.com", "language": "en", "max_seconds": "60",
        "greeting": ""}  # fmt: skip


@pytest.fixture
def admin(
    app: Flask, client: FlaskClient, engine: StandInEngine, settings: config.Settings
) -> Iterator[FlaskClient]:
    """Return an admin's client; the engine answers voicemail.* for real; agent 1001 exists."""
    Agent.create(extension="1001", name="Li Lei", sip_password="x" * 12)
    with serving_voicemail(app, engine, settings):
        yield log_in_as(client, "admin")


@pytest.mark.usefixtures("admin_exists")
def test_a_visitor_logs_in_and_other_roles_are_refused(client: FlaskClient) -> None:
    assert client.get("/admin/voicemail/").status_code == 302
    assert "/login" in client.get("/admin/voicemail/general").headers["Location"]
    log_in_as(client, "supervisor")
    assert client.get("/admin/voicemail/").status_code == 403
    assert post_form(client, "/admin/voicemail/", NEW).status_code == 403
    assert post_form(client, "/admin/voicemail/general/pin", {"pin": "1234"}).status_code == 403
    assert post_form(client, "/admin/voicemail/general/delete", {}).status_code == 403


def test_the_list_shows_every_box_with_owner_and_counts(
    admin: FlaskClient, settings: config.Settings
) -> None:
    leave(settings, "1001", "c1")
    page = admin.get("/admin/voicemail/").get_data(as_text=True)
    assert 'data-box="1001"' in page and 'data-box="general"' in page
    row = page.split('data-box="1001"')[1].split("</tr>")[0]
    assert "agent 1001" in row and "<td>1</td><td>0</td>" in row


def test_a_box_is_created_owned_by_a_queue_and_audited(admin: FlaskClient) -> None:
    Queue.create(name="support")
    response = post_form(admin, "/admin/voicemail/", {**NEW, "owner": "queue:support"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/voicemail/after-hours")
    box = VoicemailBox.get(VoicemailBox.name == "after-hours")
    assert (box.queue.name, box.email, box.max_seconds) == ("support", "night@example.com", 90)
    entry = AuditEntry.get(AuditEntry.area == "voicemail")
    assert (entry.object_key, entry.action, entry.after["queue"]) == ("after-hours", "create",
                                                                      "support")  # fmt: skip


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("name", "", "This field is required."),
        ("name", "After Hours", "Lowercase letters, digits, - and _"),
        ("name", "x" * 65, "At most 64 characters."),
        ("title", "t" * 65, "At most 64 characters."),
        ("email", "not-an-address", "Not an e-mail address."),
        ("language", "fr", "Choose one of: en, zh."),
        ("max_seconds", "4", "At least 5."),
        ("max_seconds", "601", "At most 600."),
    ],
)
def test_bad_new_box_input_is_explained_and_kept(
    admin: FlaskClient, field: str, typed: str, error: str
) -> None:
    response = post_form(admin, "/admin/voicemail/", {**NEW, "title": "Kept title", field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and error in page
    assert f'id="e-{field}"' in page
    assert "Kept title" in page or field == "title"
    assert not VoicemailBox.select().where(VoicemailBox.name == "after-hours").exists()


def test_a_duplicate_name_is_refused_on_its_field(admin: FlaskClient) -> None:
    response = post_form(admin, "/admin/voicemail/", {**NEW, "name": "general"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "A box named general exists." in page
    assert 'id="e-name"' in page and 'value="night@example.com"' in page


def test_settings_and_greeting_go_through_the_engine(
    admin: FlaskClient, engine: StandInEngine
) -> None:
    admin.get("/admin/voicemail/")  # the boxes are made on first need
    form = {**EDIT, "greeting": "hello-box"}
    assert post_form(admin, "/admin/voicemail/1001", form).status_code == 302
    box = VoicemailBox.get(VoicemailBox.name == "1001")
    assert (box.title, box.email, box.max_seconds, box.greeting) == (
        "Night", "boss@example.com", 60, "hello-box")  # fmt: skip
    sent = [cmd for cmd, _args in engine.received]
    assert "voicemail.update" in sent and "voicemail.greeting" in sent
    entry = AuditEntry.get((AuditEntry.object_key == "1001") & (AuditEntry.action == "update"))
    assert (entry.before["greeting"], entry.after["greeting"]) == ("", "hello-box")


def test_a_greeting_the_engine_cannot_find_is_refused_and_nothing_changes(
    admin: FlaskClient,
) -> None:
    admin.get("/admin/voicemail/")
    form = {**EDIT, "greeting": "no-such-prompt"}
    response = post_form(admin, "/admin/voicemail/1001", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="e-greeting"' in page
    assert 'value="no-such-prompt"' in page and 'value="boss@example.com"' in page
    box = VoicemailBox.get(VoicemailBox.name == "1001")
    assert (box.title, box.email, box.greeting) == ("Li Lei", "", "")
    assert not AuditEntry.select().where(AuditEntry.area == "voicemail").exists()


def test_a_new_language_without_the_greeting_puts_the_settings_back(
    admin: FlaskClient,
) -> None:
    admin.get("/admin/voicemail/")
    chinese = {**EDIT, "language": "zh", "greeting": "ni-hao"}
    assert post_form(admin, "/admin/voicemail/1001", chinese).status_code == 302
    form = {**chinese, "title": "Changed", "language": "en"}  # ni-hao is Chinese only
    response = post_form(admin, "/admin/voicemail/1001", form)
    assert response.status_code == 400 and 'id="e-greeting"' in response.get_data(True)
    box = VoicemailBox.get(VoicemailBox.name == "1001")
    assert (box.title, box.language, box.greeting) == ("Night", "zh", "ni-hao")


def test_bad_settings_are_explained_and_kept(admin: FlaskClient) -> None:
    admin.get("/admin/voicemail/")
    response = post_form(admin, "/admin/voicemail/1001", {**EDIT, "email": "boss@", "title": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Not an e-mail address." in page
    assert 'value="boss@"' in page
    bad_greeting = post_form(admin, "/admin/voicemail/1001", {**EDIT, "greeting": "../x"})
    assert bad_greeting.status_code == 400 and 'id="e-greeting"' in bad_greeting.get_data(True)


def test_without_the_engine_settings_are_refused_clearly_and_kept(
    client: FlaskClient, app: Flask
) -> None:
    log_in_as(client, "admin")
    client.get("/admin/voicemail/")
    response = post_form(client, "/admin/voicemail/general", EDIT)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "The engine is not running" in page
    assert 'value="boss@example.com"' in page
    pin = post_form(client, "/admin/voicemail/general/pin", {"action": "set", "pin": "2468"})
    assert pin.status_code == 503 and "The engine is not running" in pin.get_data(True)
    assert VoicemailBox.get(VoicemailBox.name == "general").pin_hash == ""


def test_a_pin_is_set_through_the_engine_never_shown_and_masked_in_the_log(
    admin: FlaskClient, engine: StandInEngine
) -> None:
    admin.get("/admin/voicemail/")
    form = {"action": "set", "pin": "482916"}
    response = post_form(admin, "/admin/voicemail/general/pin", form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The PIN of general is set." in page and "482916" not in page
    box = VoicemailBox.get(VoicemailBox.name == "general")
    assert verify_pin("482916", box.pin_hash)
    assert ("voicemail.set_pin", {"box": "general", "pin": "482916"}) in engine.received
    entry = AuditEntry.get(AuditEntry.area == "voicemail")
    logged = json.dumps([entry.before, entry.after])
    assert "482916" not in logged and box.pin_hash not in logged
    assert entry.after["pin_hash"] == "******** (changed)"
    assert box.pin_hash not in admin.get("/admin/voicemail/general").get_data(as_text=True)


@pytest.mark.parametrize("pin", ["", "123", "12a4", "12345678901", "１２３４"])
def test_a_bad_pin_is_refused_and_the_settings_kept(admin: FlaskClient, pin: str) -> None:
    admin.get("/admin/voicemail/")
    form = {**EDIT, "action": "set", "pin": pin}
    response = post_form(admin, "/admin/voicemail/general/pin", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="e-pin"' in page
    assert 'value="boss@example.com"' in page
    assert VoicemailBox.get(VoicemailBox.name == "general").pin_hash == ""


def test_a_pin_is_cleared_and_audited(admin: FlaskClient) -> None:
    admin.get("/admin/voicemail/")
    post_form(admin, "/admin/voicemail/general/pin", {"action": "set", "pin": "1234"})
    assert post_form(admin, "/admin/voicemail/general/pin", {"action": "clear"}).status_code == 302
    assert VoicemailBox.get(VoicemailBox.name == "general").pin_hash == ""
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (last.before["pin_hash"], last.after["pin_hash"]) == ("********", "")


def test_a_box_in_use_is_not_deleted_and_the_page_says_who(
    admin: FlaskClient, settings: config.Settings
) -> None:
    post_form(admin, "/admin/voicemail/", {**NEW, "name": "night"})
    graph = {"start": "vm", "nodes": {"vm": {"type": "voicemail", "box": "night"}}}
    IvrFlow.create(name="evening", graph=graph)
    Queue.create(name="night", overflow="voicemail")  # the box named like the queue
    Queue.create(name="sales", exit_target="voicemail:night")
    response = post_form(admin, "/admin/voicemail/night/delete", {**EDIT, "title": "Typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "IVR flow evening, node vm" in page and "queue night (overflow or exit)" in page
    assert "queue sales (overflow or exit)" in page and 'value="Typed"' in page
    assert VoicemailBox.select().where(VoicemailBox.name == "night").exists()


def test_a_box_holding_messages_is_not_deleted(
    admin: FlaskClient, settings: config.Settings
) -> None:
    leave(settings, "general", "c1")
    response = post_form(admin, "/admin/voicemail/general/delete", {})
    assert response.status_code == 409
    assert "general still holds messages (1): delete them first." in response.get_data(as_text=True)


def test_a_free_box_is_deleted_with_an_audit_entry(admin: FlaskClient) -> None:
    post_form(admin, "/admin/voicemail/", NEW)
    response = post_form(admin, "/admin/voicemail/after-hours/delete", {})
    assert response.status_code == 302
    assert not VoicemailBox.select().where(VoicemailBox.name == "after-hours").exists()
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (last.action, last.object_key, last.after) == ("delete", "after-hours", None)
    assert admin.get("/admin/voicemail/after-hours").status_code == 404


SHOWN = ["1001", "Li Lei", "General", "general", "admin1", "IVR", "PIN", "en", "zh"]  # data, terms


def test_the_pages_speak_chinese(admin: FlaskClient) -> None:
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    for path in ("/admin/voicemail/", "/admin/voicemail/general"):
        response = admin.get(path)
        assert response.status_code == 200
        assert_translated(response.get_data(as_text=True), allowed=SHOWN)
    bad = post_form(admin, "/admin/voicemail/", {**NEW, "email": "nope", "name": ""})
    assert bad.status_code == 400
    assert_translated(bad.get_data(as_text=True), allowed=[*SHOWN, "After hours", "nope"])


def test_a_form_without_its_csrf_token_is_refused_and_kept(admin: FlaskClient) -> None:
    response = admin.post("/admin/voicemail/", data=NEW)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The form expired" in page
    assert 'value="after-hours"' in page
    assert not VoicemailBox.select().where(VoicemailBox.name == "after-hours").exists()
    pin = admin.post("/admin/voicemail/general/pin", data={"action": "set", "pin": "1234"})
    assert pin.status_code == 400
    assert VoicemailBox.get(VoicemailBox.name == "general").pin_hash == ""
