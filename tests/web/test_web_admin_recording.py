"""The recording policy page: who may use it, what it stores, and undo when the engine refuses."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_admin import accept_reloads, log_in_as, post_form, refuse_reloads
from helpers_web import StandInEngine

from appliance.store.models import Agent, AuditEntry, Queue


@pytest.fixture
def policy_rows(app: Flask) -> None:
    """Store two queues (one recorded) and two agents in the app's store."""
    Queue.create(name="sales", record=True)
    Queue.create(name="support", record=False)
    Agent.create(extension="1001", name="Li Lei", sip_password="x" * 12)
    Agent.create(extension="1002", name="Han Mei", sip_password="y" * 12)


@pytest.mark.usefixtures("admin_exists", "policy_rows")
@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_see_or_change_the_policy(client: FlaskClient, role: str) -> None:
    assert client.get("/admin/recording").status_code == 302  # to log in
    log_in_as(client, role)
    assert client.get("/admin/recording").status_code == 403
    assert client.post("/admin/recording", data={"queue:support": "on"}).status_code == 403
    assert not Queue.get(Queue.name == "support").record


@pytest.mark.usefixtures("policy_rows")
def test_the_policy_is_saved_audited_and_applied(
    client: FlaskClient, engine: StandInEngine
) -> None:
    accept_reloads(engine)
    admin = log_in_as(client, "admin")
    page = admin.get("/admin/recording").get_data(as_text=True)
    assert 'name="queue:sales" checked' in page and 'name="queue:support" >' in page
    form = {"queue:support": "on", "out:1002": "on"}  # sales unticked
    assert post_form(admin, "/admin/recording", form).status_code == 302
    assert [q.record for q in Queue.select().order_by(Queue.name)] == [False, True]
    assert [a.record_calls_out for a in Agent.select().order_by(Agent.extension)] == [False, True]
    assert ("reload", {}) in engine.received
    entry = AuditEntry.get(AuditEntry.area == "recording")
    assert entry.before["queues"] == {"sales": True, "support": False}
    assert entry.after["calls_out"] == {"1001": False, "1002": True}
    again = post_form(admin, "/admin/recording", form, follow_redirects=True)
    assert "Nothing changed." in again.get_data(as_text=True)
    assert AuditEntry.select().where(AuditEntry.area == "recording").count() == 1


@pytest.mark.usefixtures("policy_rows")
def test_a_refused_reload_keeps_the_old_policy(client: FlaskClient, engine: StandInEngine) -> None:
    refuse_reloads(engine)
    admin = log_in_as(client, "admin")
    response = post_form(admin, "/admin/recording", {"out:1001": "on"})
    assert response.status_code == 409
    assert "The engine refused the change" in response.get_data(as_text=True)
    assert Queue.get(Queue.name == "sales").record  # put back
    assert not Agent.get(Agent.extension == "1001").record_calls_out
    assert not AuditEntry.select().where(AuditEntry.area == "recording").exists()


@pytest.mark.usefixtures("policy_rows")
def test_a_form_without_its_token_changes_nothing(client: FlaskClient) -> None:
    admin = log_in_as(client, "admin")
    response = admin.post("/admin/recording", data={"out:1001": "on"})
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)
    assert not Agent.get(Agent.extension == "1001").record_calls_out
